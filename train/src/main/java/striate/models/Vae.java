package striate.models;

import striate.nn.Activations;
import striate.nn.Linear;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The fully connected variational autoencoder of Kingma &amp; Welling (2013), as PyTorch's example (examples/vae):
 * images x [n, 1, h, w] in [0, 1], flattened to [n, d] → fc1 (d → hidden) ReLU → fc21 → μ [n, latent] and fc22 →
 * log σ² [n, latent]; z = μ + σ·ε → fc3 (latent → hidden) ReLU → fc4 (hidden → d): the logits of Bernoulli pixels
 * [n, d]. The loss, the noise and the rest: {@link VariationalAutoencoder}. Layers initialise as PyTorch's Linear.
 */
public final class Vae extends VariationalAutoencoder {
    /** The checkpoint's model name. */
    public static final String NAME = "vae";

    private final Linear fc1;
    private final Linear fc21;
    private final Linear fc22;
    private final Linear fc3;
    private final Linear fc4;

    /** The suggested sizes for 28×28 images: 784 → 400 → latent → 400 → 784, initialised from {@code seed}. */
    public Vae(int latent, long seed) {
        this(28, 28, 400, latent, new Rng(seed));
    }

    /** A VAE of h×w images, its noise split from {@code rng}, then its layers initialised from it. */
    public Vae(int height, int width, int hidden, int latent, Rng rng) {
        super(height, width, latent, rng);
        if (hidden < 1) {
            throw new IllegalArgumentException("Vae: the hidden width must be >= 1, got " + hidden);
        }
        long d = (long) height * width;
        fc1 = registerModule("fc1", new Linear(d, hidden, rng));
        fc21 = registerModule("fc21", new Linear(hidden, latent, rng));
        fc22 = registerModule("fc22", new Linear(hidden, latent, rng));
        fc3 = registerModule("fc3", new Linear(latent, hidden, rng));
        fc4 = registerModule("fc4", new Linear(hidden, d, rng));
    }

    @Override
    public Posterior encode(Tensor x) {
        Tensor h = Activations.relu(fc1.forward(checked(x, x.dim(0), (long) height() * width()))); // [n, hidden]
        return new Posterior(fc21.forward(h), fc22.forward(h));        // [n, latent] each
    }

    /** Codes z [n, latent] → pixel logits [n, h·w]. */
    @Override
    public Tensor decodeLogits(Tensor z) {
        return fc4.forward(Activations.relu(fc3.forward(z)));          // [n, h·w]
    }

    @Override
    public String toString() {
        return "Vae(" + height() * width() + "-" + fc1.weight().value().dim(0) + "-" + latent() + ")";
    }
}
