package striate.gan;

import striate.nn.BatchNorm;
import striate.nn.Conv2d;
import striate.nn.ConvTranspose2d;
import striate.nn.Init;
import striate.nn.Module;
import striate.tensor.Rng;

/**
 * The DCGAN initialization (Radford et al., 2015, https://arxiv.org/abs/1511.06434, section 4): every Conv2d and
 * ConvTranspose2d weight N(0, 0.02²), every batch-norm weight N(1, 0.02²) and bias 0; other layers (embeddings,
 * biases of convolutions) keep their own initialization. Modules are visited depth-first in registration order, so a
 * seed gives the same weights every time.
 */
final class DcganInit {
    static final double STD = 0.02;

    private DcganInit() {
    }

    static void apply(Module module, Rng rng) {
        switch (module) {
            case Conv2d c -> c.weight().set(Init.normal(rng, STD, c.weight().value().shape().dims()));
            case ConvTranspose2d c -> c.weight().set(Init.normal(rng, STD, c.weight().value().shape().dims()));
            case BatchNorm b -> {
                long[] dims = b.weight().value().shape().dims();
                b.weight().set(Init.normal(rng, STD, dims).add(1));
                b.bias().set(Init.zeros(dims));
            }
            default -> module.children().values().forEach(child -> apply(child, rng));
        }
    }
}
