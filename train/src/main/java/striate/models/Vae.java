package striate.models;

import java.util.Objects;
import striate.nn.Activations;
import striate.nn.Init;
import striate.nn.Linear;
import striate.nn.Module;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.train.Reconstruction;

/**
 * The variational autoencoder of Kingma &amp; Welling, "Auto-Encoding Variational Bayes" (2013), as PyTorch's example
 * (examples/vae): images x [n, 1, h, w] in [0, 1], flattened to [n, d] → fc1 (d → hidden) ReLU → fc21 → μ [n, latent]
 * and fc22 → log σ² [n, latent]; z = μ + σ·ε with ε ~ N(0, I) (the reparameterisation, so gradients reach μ and
 * σ); z → fc3 (latent → hidden) ReLU → fc4 (hidden → d): the logits of Bernoulli pixels. The loss terms
 * ({@link Reconstruction.Terms}) are the binary cross-entropy on those logits summed over pixels and
 * KL(N(μ, σ²) ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − σ²), both per image averaged over the batch. ε comes from the
 * model's own seeded generator, registered as "noise", so a checkpoint saves its state and a resumed run draws what
 * an uninterrupted one would. Layers initialise as PyTorch's Linear.
 */
public final class Vae extends Module implements ImageAutoencoder {
    /** The checkpoint's model name. */
    public static final String NAME = "vae";

    private final int height;
    private final int width;
    private final int latent;
    private final Linear fc1;
    private final Linear fc21;
    private final Linear fc22;
    private final Linear fc3;
    private final Linear fc4;
    private final Rng noise;

    /** The suggested sizes for 28×28 images: 784 → 400 → 20 → 400 → 784, initialised from {@code seed}. */
    public Vae(int latent, long seed) {
        this(28, 28, 400, latent, new Rng(seed));
    }

    /** A VAE of h×w images, its layers initialised from {@code rng}, ε drawn from a generator split from it. */
    public Vae(int height, int width, int hidden, int latent, Rng rng) {
        if (height < 1 || width < 1 || hidden < 1 || latent < 1) {
            throw new IllegalArgumentException("Vae: image size, hidden width and latent width must be >= 1, got "
                    + height + "x" + width + ", " + hidden + " and " + latent);
        }
        this.height = height;
        this.width = width;
        this.latent = latent;
        long d = (long) height * width;
        fc1 = registerModule("fc1", new Linear(d, hidden, rng));
        fc21 = registerModule("fc21", new Linear(hidden, latent, rng));
        fc22 = registerModule("fc22", new Linear(hidden, latent, rng));
        fc3 = registerModule("fc3", new Linear(latent, hidden, rng));
        fc4 = registerModule("fc4", new Linear(hidden, d, rng));
        noise = registerRng("noise", Objects.requireNonNull(rng, "Vae: rng").split());
    }

    /** The encoder's posterior q(z | x) = N(μ, σ²): μ and log σ², each [n, latent]. */
    public record Posterior(Tensor mu, Tensor logVar) {
    }

    @Override
    public int latent() {
        return latent;
    }

    /** Images x [n, 1, h, w] (or [n, h·w]) → the posterior's μ and log σ² [n, latent]. */
    public Posterior encode(Tensor x) {
        Tensor h = Activations.relu(fc1.forward(flat(x)));             // [n, hidden]
        return new Posterior(fc21.forward(h), fc22.forward(h));        // [n, latent] each
    }

    /** z = μ + exp(½·log σ²)·ε, each [n, latent]. */
    public static Tensor reparameterize(Tensor mu, Tensor logVar, Tensor eps) {
        return mu.add(logVar.mul(0.5).exp().mul(eps));
    }

    /** KL(N(μ, σ²) ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − σ²), summed over the latent axis, averaged over the n rows. */
    public static Tensor klDivergence(Tensor mu, Tensor logVar) {
        long n = mu.dim(0);
        Tensor perValue = logVar.add(1).sub(mu.square()).sub(logVar.exp()); // [n, latent]
        return perValue.sum().mul(-0.5 / n);
    }

    /** Codes z [n, latent] → pixel logits [n, h·w]. */
    public Tensor decodeLogits(Tensor z) {
        return fc4.forward(Activations.relu(fc3.forward(z)));          // [n, h·w]
    }

    @Override
    public Tensor decode(Tensor z) {
        return decodeLogits(z).sigmoid().reshape(z.dim(0), 1, height, width);
    }

    /** ε ~ N(0, I) [n, latent] from the model's generator, in the model's type and on its device. */
    public Tensor noise(long n) {
        return Init.normal(noise, 1, n, latent).to(fc21.weight().value().dtype()).to(device());
    }

    /** The loss terms with ε drawn from the model's generator. */
    @Override
    public Reconstruction.Terms loss(Tensor x) {
        return loss(x, noise(x.dim(0)));
    }

    /** The loss terms on images x [n, 1, h, w] in [0, 1] with this ε [n, latent]. */
    public Reconstruction.Terms loss(Tensor x, Tensor eps) {
        Posterior q = encode(x);
        Tensor logits = decodeLogits(reparameterize(q.mu(), q.logVar(), eps)); // [n, h·w]
        return new Reconstruction.Terms(Reconstruction.bernoulliNll(logits, flat(x)), klDivergence(q.mu(), q.logVar()));
    }

    /** The decoder's image of the posterior mean μ: a deterministic reconstruction [n, 1, h, w]. */
    @Override
    public Tensor reconstruct(Tensor x) {
        return decode(encode(x).mu());
    }

    /** The same as {@link #reconstruct}. */
    @Override
    public Tensor forward(Tensor x) {
        return reconstruct(x);
    }

    private Tensor flat(Tensor x) {
        long d = (long) height * width;
        if (x.size() != x.dim(0) * d) {
            throw new IllegalArgumentException("Vae: images must be [n, 1, " + height + ", " + width + "] or [n, " + d
                    + "], got " + x.shape());
        }
        return x.reshape(x.dim(0), d);
    }

    @Override
    public String toString() {
        return "Vae(" + height * width + "-" + fc1.weight().value().dim(0) + "-" + latent + ")";
    }
}
