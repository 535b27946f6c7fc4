package striate.models;

import striate.nn.Activations;
import striate.nn.Linear;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.train.Reconstruction;

/**
 * A plain (deterministic) autoencoder with the {@link Vae}'s widths: images x [n, 1, h, w] in [0, 1], flattened to
 * [n, d] → fc1 (d → hidden) ReLU → fc2 → the code z [n, latent] → fc3 (latent → hidden) ReLU → fc4 (hidden → d): the
 * logits of the pixels. Its loss is the VAE's reconstruction term alone (binary cross-entropy on the logits, summed
 * over pixels, averaged over images; KL 0), so the two models' reconstructions compare in the same nats. Nothing
 * shapes its code space, so images decoded from N(0, I) codes are not what it learned to draw. Layers initialise as
 * PyTorch's Linear.
 */
public final class Autoencoder extends ImageAutoencoder {
    /** The checkpoint's model name. */
    public static final String NAME = "autoencoder";

    private final Linear fc1;
    private final Linear fc2;
    private final Linear fc3;
    private final Linear fc4;

    /** The VAE's sizes for 28×28 images: 784 → 400 → latent → 400 → 784, initialised from {@code seed}. */
    public Autoencoder(int latent, long seed) {
        this(28, 28, 400, latent, new Rng(seed));
    }

    /** An autoencoder of h×w images, its layers initialised from {@code rng}. */
    public Autoencoder(int height, int width, int hidden, int latent, Rng rng) {
        super(height, width, latent);
        if (hidden < 1) {
            throw new IllegalArgumentException("Autoencoder: the hidden width must be >= 1, got " + hidden);
        }
        long d = (long) height * width;
        fc1 = registerModule("fc1", new Linear(d, hidden, rng));
        fc2 = registerModule("fc2", new Linear(hidden, latent, rng));
        fc3 = registerModule("fc3", new Linear(latent, hidden, rng));
        fc4 = registerModule("fc4", new Linear(hidden, d, rng));
    }

    /** Images x [n, 1, h, w] (or [n, h·w]) → codes [n, latent]. */
    public Tensor encode(Tensor x) {
        return fc2.forward(Activations.relu(fc1.forward(flat(x))));    // [n, latent]
    }

    /** Codes z [n, latent] → pixel logits [n, h·w]. */
    @Override
    public Tensor decodeLogits(Tensor z) {
        return fc4.forward(Activations.relu(fc3.forward(z)));          // [n, h·w]
    }

    /** The reconstruction term (binary cross-entropy per image) and a KL of 0. */
    @Override
    public Reconstruction.Terms loss(Tensor x) {
        Tensor logits = decodeLogits(encode(x));                        // [n, h·w]
        Tensor rec = Reconstruction.bernoulliNll(logits, flat(x));
        return new Reconstruction.Terms(rec, rec.scalarLike(0));
    }

    /** The same as {@link #encode}. */
    @Override
    public Tensor code(Tensor x) {
        return encode(x);
    }

    private Tensor flat(Tensor x) {
        return checked(x, x.dim(0), (long) height() * width());       // [n, h·w]
    }

    @Override
    public String toString() {
        return "Autoencoder(" + height() * width() + "-" + fc1.weight().value().dim(0) + "-" + latent() + ")";
    }
}
