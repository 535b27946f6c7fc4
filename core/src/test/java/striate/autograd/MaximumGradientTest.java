package striate.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import striate.nn.Activations;
import striate.nn.Losses;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * maximum and minimum pass dy as PyTorch's do: to the winning input, half to each of two equal inputs, and to both
 * where either is NaN (PyTorch 1.13 gives these shares for the pairs below). The compositions that used them at a tie
 * (binary cross-entropy with logits and ELU at 0) keep their exact gradients: sigmoid(0) − t and alpha.
 */
class MaximumGradientTest {
    private static final Device REF = Device.reference();
    private static final float NAN = Float.NaN;

    /** The gradients of sum(f(a, b)) with respect to a and b. */
    private static float[][] gradients(boolean max, float[] a, float[] b) {
        Tensor x = Tensor.of(REF, a).requiresGrad(true);
        Tensor y = Tensor.of(REF, b).requiresGrad(true);
        (max ? x.maximum(y) : x.minimum(y)).sum().backward();
        return new float[][] {x.grad().toFloatArray(), y.grad().toFloatArray()};
    }

    @Test
    void theWinnerTakesTheGradientTiesSplitItAndNaNGivesItToBoth() {
        float[] a = {1, 0, 2, NAN, 3, -1};
        float[] b = {1, 0, 1, 5, NAN, 4};
        float[][] max = gradients(true, a, b);
        assertArrayEquals(new float[] {0.5f, 0.5f, 1, 1, 1, 0}, max[0], "maximum: a");
        assertArrayEquals(new float[] {0.5f, 0.5f, 0, 1, 1, 1}, max[1], "maximum: b");
        float[][] min = gradients(false, a, b);
        assertArrayEquals(new float[] {0.5f, 0.5f, 0, 1, 1, 1}, min[0], "minimum: a");
        assertArrayEquals(new float[] {0.5f, 0.5f, 1, 1, 1, 0}, min[1], "minimum: b");
    }

    @Test
    void broadcastTiesAreSummedBack() {
        Tensor x = Tensor.of(REF, new float[] {0, 0, 2}).requiresGrad(true);
        Tensor zero = Tensor.zeros(REF, DType.F32, 1).requiresGrad(true);
        x.maximum(zero).sum().backward();
        assertArrayEquals(new float[] {0.5f, 0.5f, 1}, x.grad().toFloatArray());
        assertArrayEquals(new float[] {1}, zero.grad().toFloatArray(), "two halves");
    }

    @Test
    void binaryCrossEntropyWithLogitsAndEluKeepTheirExactGradientAtZero() {
        Tensor logits = Tensor.of(REF, new float[] {0, 0, -2, 3}).requiresGrad(true);
        Tensor target = Tensor.of(REF, new float[] {1, 0, 1, 0});
        Losses.binaryCrossEntropyWithLogits(logits, target, Losses.Reduction.SUM).backward();
        float[] want = new float[4];
        float[] l = {0, 0, -2, 3};
        float[] t = {1, 0, 1, 0};
        for (int i = 0; i < 4; i++) {
            want[i] = (float) (1 / (1 + Math.exp(-l[i])) - t[i]); // sigmoid(x) − t
        }
        assertArrayEquals(want, logits.grad().toFloatArray(), 1e-7f);

        Tensor x = Tensor.of(REF, new float[] {0, -1, 2}).requiresGrad(true);
        Activations.elu(x, 1.5).sum().backward();
        assertArrayEquals(new float[] {1.5f, (float) (1.5 * Math.exp(-1)), 1}, x.grad().toFloatArray(), 1e-7f);
    }
}
