package striate.train;

import striate.data.Batch;
import striate.nn.Losses;
import striate.tensor.Tensor;

/**
 * Reconstruction for the {@link Trainer}: an autoencoder or a variational autoencoder (Kingma &amp; Welling 2013) on
 * images x [n, 1, h, w] with pixels in [0, 1] (the labels are not used). The loss is the negative evidence lower
 * bound in nats per image, −ELBO = reconstruction + KL: the reconstruction term is the binary cross-entropy of the
 * decoder's logits against the pixels, summed over the pixels; KL is the divergence of the encoder's posterior from
 * the prior (0 for a plain autoencoder); both per image, averaged over the batch. The metric is the reconstruction
 * term alone, so an epoch's KL is its loss minus its metric. Throughput in images.
 */
public final class Reconstruction implements Task<Batch> {
    /** The reconstruction term, nats per image. */
    public static final Metric RECONSTRUCTION = new Metric("reconstruction", "rec", false);

    /** A model trained to reconstruct its input. */
    @FunctionalInterface
    public interface Model {
        /** The two terms of the loss on images x [n, 1, h, w] in [0, 1]. */
        Terms loss(Tensor x);
    }

    /**
     * Scalar tensors, nats per image averaged over the batch: {@code reconstruction} (Bernoulli negative
     * log-likelihood of the pixels) and {@code kl} (KL(q(z|x) ‖ N(0, I)), zero for a deterministic code).
     */
    public record Terms(Tensor reconstruction, Tensor kl) {
        /** −ELBO = reconstruction + KL. */
        public Tensor total() {
            return reconstruction.add(kl);
        }
    }

    private final Model model;

    public Reconstruction(Model model) {
        this.model = model;
    }

    /**
     * Binary cross-entropy of sigmoid(logits) against {@code x}, summed over each image's pixels and averaged over the
     * images: logits and x [n, d] (or any shape whose first axis is n), x in [0, 1]. Computed on the logits, so it
     * is finite for any logit.
     */
    public static Tensor bernoulliNll(Tensor logits, Tensor x) {
        long n = x.dim(0);
        return Losses.binaryCrossEntropyWithLogits(logits, x, Losses.Reduction.SUM).mul(1.0 / n);
    }

    @Override
    public Metric metric() {
        return RECONSTRUCTION;
    }

    @Override
    public String unit() {
        return "img";
    }

    @Override
    public Output forward(Batch batch) {
        Terms t = model.loss(batch.x());
        Tensor loss = t.total();                                        // −ELBO per image
        int n = batch.size();
        return new Output(loss, t.reconstruction().item() * n, n, n);
    }
}
