package striate.gan;

import striate.nn.BatchNorm2d;
import striate.nn.ConvTranspose2d;
import striate.nn.ReLU;
import striate.nn.Sequential;
import striate.nn.Tanh;
import striate.op.ConvParams;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The DCGAN generator for 28×28 grey images (PyTorch's DCGAN example's layout, sized for Fashion-MNIST):
 * z [n, in] → [n, in, 1, 1] → ConvTranspose2d(in, 256, 7, 1, 0, bias=false) [n, 256, 7, 7] → BatchNorm2d → ReLU →
 * ConvTranspose2d(256, 128, 4, 2, 1, bias=false) [n, 128, 14, 14] → BatchNorm2d → ReLU →
 * ConvTranspose2d(128, 1, 4, 2, 1, bias=false) [n, 1, 28, 28] → Tanh. {@code in} is 100 (the latent) or 150 (the
 * conditional generator's latent and label embedding). Parameters are named as PyTorch's {@code main.0.weight}, ...;
 * DCGAN initialization ({@link DcganInit}).
 */
public final class DcganGenerator extends GanNet {
    private final long in;
    private final Sequential main;

    public DcganGenerator(long in, Rng rng) {
        this.in = in;
        this.main = registerModule("main", new Sequential(
                new ConvTranspose2d(in, 256, 7, 7, ConvParams.of(1, 0), 0, 0, false, rng),
                new BatchNorm2d(256),
                new ReLU(),
                new ConvTranspose2d(256, 128, 4, 4, ConvParams.of(2, 1), 0, 0, false, rng),
                new BatchNorm2d(128),
                new ReLU(),
                new ConvTranspose2d(128, 1, 4, 4, ConvParams.of(2, 1), 0, 0, false, rng),
                new Tanh()));
        DcganInit.apply(this, rng);
    }

    @Override
    public Tensor forward(Tensor z, Tensor labels) {
        requireNoLabels(labels);
        if (z.rank() != 2 || z.dim(1) != in) {
            throw new IllegalArgumentException("DcganGenerator: z must be [n, " + in + "], got " + z.shape());
        }
        return main.forward(z.reshape(z.dim(0), in, 1, 1)); // [n, 1, 28, 28]
    }

    @Override
    public boolean conditional() {
        return false;
    }

    @Override
    public String toString() {
        return "DcganGenerator(" + in + ")";
    }
}
