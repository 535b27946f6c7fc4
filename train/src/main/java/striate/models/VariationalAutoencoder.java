package striate.models;

import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;
import striate.train.Reconstruction;

/**
 * What every variational autoencoder here shares (Kingma &amp; Welling, "Auto-Encoding Variational Bayes", 2013):
 * images x [n, 1, h, w] in [0, 1] → the encoder's posterior q(z | x) = N(μ, σ²), μ and log σ² [n, latent];
 * z = μ + σ·ε with ε ~ N(0, I) (the reparameterisation, so gradients reach μ and σ); the decoder's logits of
 * Bernoulli pixels. The loss terms ({@link Reconstruction.Terms}) are the binary cross-entropy on those logits summed
 * over pixels and KL(N(μ, σ²) ‖ N(0, I)) = −½ Σ (1 + log σ² − μ² − σ²), both per image averaged over the batch. ε
 * comes from the model's own generator, split from the one that initialises it and registered as "noise", so a
 * checkpoint saves its state and a resumed run draws what an uninterrupted one would. A reconstruction decodes μ.
 * The image size, decoding and the shape check: {@link ImageAutoencoder}. Subclasses give the encoder and the
 * decoder: {@link Vae} (fully connected), {@link ConvVae} (convolutions).
 */
public abstract class VariationalAutoencoder extends ImageAutoencoder {
    private final Rng noise;

    /** A VAE of h×w grey images with a {@code latent}-wide code, its noise split from {@code rng}. */
    protected VariationalAutoencoder(int height, int width, int latent, Rng rng) {
        super(height, width, latent);
        this.noise = registerRng("noise", rng.split());
    }

    /** The encoder's posterior q(z | x) = N(μ, σ²): μ and log σ², each [n, latent]. */
    public record Posterior(Tensor mu, Tensor logVar) {
    }

    /** Images x [n, 1, h, w] → the posterior's μ and log σ² [n, latent]. */
    public abstract Posterior encode(Tensor x);

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

    /**
     * ε ~ N(0, I) [n, latent] drawn on the model's device in the type of its parameters, with one seed from the model's
     * generator ({@link Tensor#randn}).
     */
    public Tensor noise(long n) {
        return Tensor.randn(device(), parameters().getFirst().value().dtype(), Shape.of(n, latent()), 0, 1,
                noise.nextLong());
    }

    /** The loss terms with ε drawn from the model's generator. */
    @Override
    public Reconstruction.Terms loss(Tensor x) {
        return terms(x, encode(x), noise(x.dim(0)));
    }

    /** The loss terms on images x [n, 1, h, w] in [0, 1] with this ε [n, latent]. */
    public Reconstruction.Terms loss(Tensor x, Tensor eps) {
        return terms(x, encode(x), eps);
    }

    private Reconstruction.Terms terms(Tensor x, Posterior q, Tensor eps) {
        Tensor logits = decodeLogits(reparameterize(q.mu(), q.logVar(), eps));
        Tensor rec = Reconstruction.bernoulliNll(logits, x.reshape(logits.shape().dims()));
        return new Reconstruction.Terms(rec, klDivergence(q.mu(), q.logVar()));
    }

    /** The posterior mean μ [n, latent], so a reconstruction is the decoder's image of μ (deterministic). */
    @Override
    public Tensor code(Tensor x) {
        return encode(x).mu();
    }
}
