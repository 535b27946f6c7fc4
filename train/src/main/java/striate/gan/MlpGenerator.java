package striate.gan;

import striate.nn.LeakyReLU;
import striate.nn.Linear;
import striate.nn.Sequential;
import striate.nn.Tanh;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The fully connected GAN generator (Goodfellow et al., 2014, with LeakyReLU): z [n, 100] → Linear(100, 256) →
 * LeakyReLU(0.2) → Linear(256, 512) → LeakyReLU(0.2) → Linear(512, 1024) → LeakyReLU(0.2) → Linear(1024, 784) → Tanh
 * [n, 784] → [n, 1, 28, 28]. PyTorch's default initialization of Linear.
 */
public final class MlpGenerator extends GanNet {
    private final Sequential main;

    public MlpGenerator(Rng rng) {
        this.main = registerModule("main", new Sequential(
                new Linear(Latents.WIDTH, 256, rng), new LeakyReLU(0.2),
                new Linear(256, 512, rng), new LeakyReLU(0.2),
                new Linear(512, 1024, rng), new LeakyReLU(0.2),
                new Linear(1024, 784, rng), new Tanh()));
    }

    @Override
    public Tensor forward(Tensor z, Tensor labels) {
        requireNoLabels(labels);
        if (z.rank() != 2 || z.dim(1) != Latents.WIDTH) {
            throw new IllegalArgumentException("MlpGenerator: z must be [n, " + Latents.WIDTH + "], got " + z.shape());
        }
        return main.forward(z).reshape(z.dim(0), 1, 28, 28);
    }

    @Override
    public boolean conditional() {
        return false;
    }

    @Override
    public String toString() {
        return "MlpGenerator";
    }
}
