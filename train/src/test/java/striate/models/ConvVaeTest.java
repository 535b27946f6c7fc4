package striate.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.autograd.GradCheck;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The convolutional VAE: its shapes at 28×28, and the gradient of its loss (fixed ε) against finite differences for
 * the images, ε and every parameter, at 8×8 with few channels in float64.
 */
class ConvVaeTest {
    private static final Device REF = Device.reference();

    @Test
    void shapesAt28x28() {
        ConvVae vae = new ConvVae(16, 1);
        Tensor x = Tensor.zeros(REF, DType.F32, 3, 1, 28, 28);
        VariationalAutoencoder.Posterior q = vae.encode(x);
        assertArrayEquals(new long[] {3, 16}, q.mu().shape().dims());
        assertArrayEquals(new long[] {3, 16}, q.logVar().shape().dims());
        assertArrayEquals(new long[] {3, 1, 28, 28}, vae.decodeLogits(q.mu()).shape().dims());
        assertArrayEquals(new long[] {3, 1, 28, 28}, vae.reconstruct(x).shape().dims());
        assertTrue(vae.namedRngs().containsKey("noise"));
        // conv 1·32·16 + 32, conv 32·64·16 + 64, two heads 3136·16 + 16, fc3 16·3136 + 3136, deconvs 64·32·16 + 32
        // and 32·16 + 1
        assertEquals(544 + 32832 + 2 * 50192 + 53312 + 32800 + 513, vae.parameterCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ConvVae(30, 28, 8, 8, 2,
                new Rng(1)));
        assertTrue(e.getMessage().contains("multiples of 4"), e.getMessage());
    }

    @Test
    void lossGradientMatchesFiniteDifferences() {
        ConvVae vae = new ConvVae(8, 8, 2, 3, 2, new Rng(3));
        vae.to(DType.F64);
        Tensor x = GradCheck.uniform(REF, 4, 0.05, 0.95, 2, 1, 8, 8);
        Tensor eps = GradCheck.uniform(REF, 5, -2, 2, 2, 2);
        GradCheck.Result r = GradCheck.standard().check(t -> vae.loss(t[0], t[1]).total(), x, eps);
        assertTrue(r.passed(), r.toString());
        VaeTest.assertParameterGradients(vae, () -> vae.loss(x, eps).total());
    }
}
