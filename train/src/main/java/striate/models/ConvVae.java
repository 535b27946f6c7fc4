package striate.models;

import striate.nn.Activations;
import striate.nn.Conv2d;
import striate.nn.ConvTranspose2d;
import striate.nn.Linear;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * A convolutional variational autoencoder: images x [n, 1, h, w] in [0, 1] (h and w multiples of 4) → conv1
 * Conv2d(1, c1, k4, s2, p1) [n, c1, h/2, w/2] ReLU → conv2 Conv2d(c1, c2, k4, s2, p1) [n, c2, h/4, w/4] ReLU → flatten
 * → fc21 → μ and fc22 → log σ² [n, latent]; z = μ + σ·ε → fc3 Linear(latent, c2·h/4·w/4) ReLU → [n, c2, h/4, w/4] →
 * deconv1 ConvTranspose2d(c2, c1, k4, s2, p1) [n, c1, h/2, w/2] ReLU → deconv2 ConvTranspose2d(c1, 1, k4, s2, p1)
 * [n, 1, h, w]: the logits of Bernoulli pixels. For 28×28 images c1 = 32 and c2 = 64. The loss, the noise and the
 * rest: {@link VariationalAutoencoder}. Layers initialise as PyTorch's.
 */
public final class ConvVae extends VariationalAutoencoder {
    /** The checkpoint's model name. */
    public static final String NAME = "conv-vae";

    private final int c2;
    private final Conv2d conv1;
    private final Conv2d conv2;
    private final Linear fc21;
    private final Linear fc22;
    private final Linear fc3;
    private final ConvTranspose2d deconv1;
    private final ConvTranspose2d deconv2;

    /** 28×28 images, 32 and 64 channels, initialised from {@code seed}. */
    public ConvVae(int latent, long seed) {
        this(28, 28, 32, 64, latent, new Rng(seed));
    }

    /** A convolutional VAE of h×w images (multiples of 4), its noise split from {@code rng}, then its layers. */
    public ConvVae(int height, int width, int c1, int c2, int latent, Rng rng) {
        super(height, width, latent, rng);
        if (height % 4 != 0 || width % 4 != 0 || c1 < 1 || c2 < 1) {
            throw new IllegalArgumentException("ConvVae: the image sides must be multiples of 4 and the channels >= 1,"
                    + " got " + height + "x" + width + ", " + c1 + " and " + c2);
        }
        this.c2 = c2;
        long features = (long) c2 * (height / 4) * (width / 4);
        conv1 = registerModule("conv1", new Conv2d(1, c1, 4, 2, 1, rng));
        conv2 = registerModule("conv2", new Conv2d(c1, c2, 4, 2, 1, rng));
        fc21 = registerModule("fc21", new Linear(features, latent, rng));
        fc22 = registerModule("fc22", new Linear(features, latent, rng));
        fc3 = registerModule("fc3", new Linear(latent, features, rng));
        deconv1 = registerModule("deconv1", new ConvTranspose2d(c2, c1, 4, 2, 1, rng));
        deconv2 = registerModule("deconv2", new ConvTranspose2d(c1, 1, 4, 2, 1, rng));
    }

    @Override
    public Posterior encode(Tensor x) {
        long n = x.dim(0);
        Tensor h = Activations.relu(conv1.forward(checked(x, n, 1, height(), width()))); // [n, c1, h/2, w/2]
        h = Activations.relu(conv2.forward(h));                          // [n, c2, h/4, w/4]
        h = h.reshape(n, h.size() / n);                                  // [n, c2·h/4·w/4]
        return new Posterior(fc21.forward(h), fc22.forward(h));          // [n, latent] each
    }

    /** Codes z [n, latent] → pixel logits [n, 1, h, w]. */
    @Override
    public Tensor decodeLogits(Tensor z) {
        long n = z.dim(0);
        Tensor h = Activations.relu(fc3.forward(z)).reshape(n, c2, height() / 4, width() / 4); // [n, c2, h/4, w/4]
        h = Activations.relu(deconv1.forward(h));                        // [n, c1, h/2, w/2]
        return deconv2.forward(h);                                       // [n, 1, h, w]
    }

    @Override
    public String toString() {
        return "ConvVae(" + height() + "x" + width() + ", latent " + latent() + ")";
    }
}
