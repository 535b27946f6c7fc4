package striate.gan;

import striate.nn.Flatten;
import striate.nn.LeakyReLU;
import striate.nn.Linear;
import striate.nn.Sequential;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The fully connected GAN discriminator: x [n, 1, 28, 28] → Flatten [n, 784] → Linear(784, 512) → LeakyReLU(0.2) →
 * Linear(512, 256) → LeakyReLU(0.2) → Linear(256, 1) [n, 1]: a logit. PyTorch's default initialization of Linear.
 */
public final class MlpDiscriminator extends GanNet {
    private final Sequential main;

    public MlpDiscriminator(Rng rng) {
        this.main = registerModule("main", new Sequential(new Flatten(),
                new Linear(784, 512, rng), new LeakyReLU(0.2),
                new Linear(512, 256, rng), new LeakyReLU(0.2),
                new Linear(256, 1, rng)));
    }

    @Override
    public Tensor forward(Tensor x, Tensor labels) {
        requireNoLabels(labels);
        if (x.rank() != 4 || x.dim(1) != 1 || x.dim(2) != 28 || x.dim(3) != 28) {
            throw new IllegalArgumentException("MlpDiscriminator: images must be [n, 1, 28, 28], got " + x.shape());
        }
        return main.forward(x); // [n, 1]
    }

    @Override
    public boolean conditional() {
        return false;
    }

    @Override
    public String toString() {
        return "MlpDiscriminator";
    }
}
