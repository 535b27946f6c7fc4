package striate.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.nn.Linear;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * A weight written in place between the forward pass and its backward (an optimizer step, Parameter.set, copyFrom)
 * is refused where the derivative reads it: the gradient came from the new values, silently. Ops whose derivative
 * reads no values (a sum, an addition) are not refused.
 */
class InPlaceChangeTest {
    private static final Device REF = Device.reference();

    @Test
    void aWeightSetBetweenForwardAndBackwardIsRefused() {
        Linear l = new Linear(1, 1, new Rng(1));
        Tensor x = Tensor.ones(REF, DType.F32, 1, 1).requiresGrad(true);
        Tensor y = l.forward(x).sum();
        l.weight().set(Tensor.full(REF, DType.F32, 100, 1, 1));
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("'s backward needs its input") && e.getMessage().contains("written in place"),
                e.getMessage());
    }

    /** The GAN mistake: D's step between computing D(G(z)) and G's backward through it. */
    @Test
    void anOptimizerStepBetweenForwardAndBackwardIsRefused() {
        Linear d = new Linear(2, 1, new Rng(2));
        Sgd dStep = Sgd.builder(d.namedParameters()).lr(0.1).build();
        Tensor fake = Tensor.of(REF, new float[] {0.5f, -1}, 1, 2).requiresGrad(true);
        Tensor score = d.forward(fake).sum();
        d.forward(fake).sum().backward();
        dStep.step();
        assertThrows(IllegalStateException.class, score::backward);
    }

    /** sigmoid's derivative reads its output: a write into it is refused; exp's reads no input: a write there is not. */
    @Test
    void theValuesADerivativeReadsAreCheckedAndNoOthers() {
        Tensor x = Tensor.of(REF, new float[] {0, 0}).requiresGrad(true);
        Tensor y = x.sigmoid();
        Tensor loss = y.sum();
        y.copyFrom(new double[] {0, 0}); // its backward would give 0 instead of 0.25
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().startsWith("UnaryOp(SIGMOID)'s backward needs its output [2]"), e.getMessage());

        Tensor z = Tensor.of(REF, new float[] {0, 1}).requiresGrad(true);
        Tensor ez = z.exp();
        Tensor other = ez.sum();
        z.copyFrom(new double[] {5, 5}); // exp's derivative is its output, which is unchanged
        other.backward();
        assertArrayEquals(new float[] {1, (float) Math.E}, z.grad().toFloatArray(), 1e-6f);
    }

    /** The table's entries for the layers' ops: each value their derivative reads, changed, is refused. */
    @Test
    void eachValueALayersDerivativeReadsIsChecked() {
        Rng rng = new Rng(4);
        Tensor image = Tensor.of(REF, new float[] {1, -2, 3, -4, 5, -6, 7, -8, 9}, 1, 1, 3, 3).requiresGrad(true);
        // relu reads its input
        Tensor r = image.relu().sum();
        image.copyFrom(new double[] {-1, 2, -3, 4, -5, 6, -7, 8, -9});
        assertThrows(IllegalStateException.class, r::backward, "relu's input");
        // a convolution reads its weight, and its fused ReLU its output
        striate.nn.Conv2d conv = new striate.nn.Conv2d(1, 2, 2, 1, 0, rng);
        Tensor c = conv.forward(image).sum();
        conv.weight().set(Tensor.full(REF, DType.F32, 0.5, 2, 1, 2, 2));
        assertThrows(IllegalStateException.class, c::backward, "the convolution's weight");
        Tensor w = Tensor.full(REF, DType.F32, 0.25, 2, 1, 2, 2).requiresGrad(true);
        Tensor fused = Tensor.apply(new striate.op.Conv2dOp(striate.op.ConvParams.of(1, 0), false, true), image, w);
        Tensor f = fused.sum();
        fused.copyFrom(new double[8]);
        IllegalStateException output = assertThrows(IllegalStateException.class, f::backward);
        assertTrue(output.getMessage().contains("needs its output [1, 2, 2, 2]"), output.getMessage());
        // batch norm reads its output (the normalized values)
        striate.nn.BatchNorm2d bn = new striate.nn.BatchNorm2d(1);
        Tensor normalized = bn.forward(Tensor.of(REF, new float[] {1, 2, 3, 4}, 2, 1, 1, 2).requiresGrad(true));
        Tensor b = normalized.sum();
        normalized.copyFrom(new double[4]);
        assertThrows(IllegalStateException.class, b::backward, "batch norm's output");
        // an LSTM layer reads its output (the hidden states its backward walks)
        striate.nn.LSTM lstm = new striate.nn.LSTM(2, 3, rng);
        Tensor hs = lstm.forward(Tensor.of(REF, new float[] {1, 2, 3, 4, 5, 6}, 3, 1, 2).requiresGrad(true), null)
                .output();
        Tensor l = hs.sum();
        hs.copyFrom(new double[9]);
        assertThrows(IllegalStateException.class, l::backward, "the LSTM's output");
    }

    /**
     * A product reads an operand for the other's gradient alone: a weight stepped after the forward pass of a layer on
     * data that wants no gradient is not refused (its own gradient reads the data only), as in PyTorch.
     */
    @Test
    void aProductsOperandIsReadOnlyForTheOthersGradient() {
        Linear l = new Linear(2, 1, new Rng(5));
        Tensor data = Tensor.of(REF, new float[] {1, 2}, 1, 2); // no gradient wanted
        Tensor y = l.forward(data).sum();
        l.weight().set(Tensor.full(REF, DType.F32, 3, 1, 2));
        y.backward(); // dW = dyᵀ·x reads x alone
        assertArrayEquals(new float[] {1, 2}, l.weight().value().grad().toFloatArray());
    }

    @Test
    void aChangedInputOfASumIsNotRefused() {
        Tensor a = Tensor.of(REF, new float[] {1, 2}).requiresGrad(true);
        Tensor b = Tensor.of(REF, new float[] {3, 4});
        Tensor y = a.add(b).sum();
        b.copyFrom(new double[] {5, 6});
        y.backward();
        assertArrayEquals(new float[] {1, 1}, a.grad().toFloatArray());
    }

    @Test
    void stepsAfterBackwardAreTheUsualLoop() {
        Linear l = new Linear(2, 2, new Rng(3));
        Sgd sgd = Sgd.builder(l.namedParameters()).lr(0.1).momentum(0.9).build();
        Tensor x = Tensor.of(REF, new float[] {1, 2, 3, 4}, 2, 2);
        for (int i = 0; i < 3; i++) {
            sgd.zeroGrad();
            l.forward(x).sum().backward();
            sgd.step();
        }
        assertTrue(Double.isFinite(l.weight().value().toDoubleArray()[0]));
    }
}
