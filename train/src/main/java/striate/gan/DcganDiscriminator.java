package striate.gan;

import striate.nn.BatchNorm2d;
import striate.nn.Conv2d;
import striate.nn.Flatten;
import striate.nn.LeakyReLU;
import striate.nn.Sequential;
import striate.op.ConvParams;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The DCGAN discriminator for 28×28 images: x [n, in, 28, 28] → Conv2d(in, 64, 4, 2, 1, bias=false) [n, 64, 14, 14] →
 * LeakyReLU(0.2) → Conv2d(64, 128, 4, 2, 1, bias=false) [n, 128, 7, 7] → BatchNorm2d → LeakyReLU(0.2) →
 * Conv2d(128, 1, 7, 1, 0, bias=false) [n, 1, 1, 1] → Flatten [n, 1]: a logit for DCGAN (with BCE), a critic value for
 * WGAN. Without batch norm (WGAN-GP's critic, whose gradient penalty is per sample, Gulrajani et al. 2017, section 4)
 * the layer is left out and the names shift as in PyTorch's Sequential. {@code in} is 1, or 2 for the conditional
 * discriminator (the image and its label's plane). DCGAN initialization ({@link DcganInit}).
 */
public final class DcganDiscriminator extends GanNet {
    private final long in;
    private final boolean batchNorm;
    private final Sequential main;

    public DcganDiscriminator(long in, boolean batchNorm, Rng rng) {
        this.in = in;
        this.batchNorm = batchNorm;
        Sequential s = new Sequential(
                new Conv2d(in, 64, 4, 4, ConvParams.of(2, 1), false, rng),
                new LeakyReLU(0.2),
                new Conv2d(64, 128, 4, 4, ConvParams.of(2, 1), false, rng));
        if (batchNorm) {
            s.add(new BatchNorm2d(128));
        }
        s.add(new LeakyReLU(0.2));
        s.add(new Conv2d(128, 1, 7, 7, ConvParams.of(1, 0), false, rng));
        s.add(new Flatten());
        this.main = registerModule("main", s);
        DcganInit.apply(this, rng);
    }

    @Override
    public Tensor forward(Tensor x, Tensor labels) {
        requireNoLabels(labels);
        if (x.rank() != 4 || x.dim(1) != in || x.dim(2) != 28 || x.dim(3) != 28) {
            throw new IllegalArgumentException("DcganDiscriminator: images must be [n, " + in + ", 28, 28], got "
                    + x.shape());
        }
        return main.forward(x); // [n, 1]
    }

    @Override
    public boolean conditional() {
        return false;
    }

    @Override
    public String toString() {
        return "DcganDiscriminator(" + in + (batchNorm ? "" : ", no batch norm") + ")";
    }
}
