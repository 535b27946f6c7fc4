package striate.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

class TapeTest {
    private static final Device REF = Device.reference();

    @Test
    void sharedSubexpressionsAccumulate() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {3}).requiresGrad(true);
        Tensor y = x.mul(x).add(x.mul(2)); // y = x² + 2x, dy/dx = 2x + 2 = 8
        y.sum().backward();
        assertEquals(8, x.grad().item(), 1e-12);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilCleared() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {1, 2}).requiresGrad(true);
        x.square().sum().backward();
        x.square().sum().backward();
        assertArrayEquals(new double[] {4, 8}, x.grad().toDoubleArray(), 1e-12);
        x.setGrad(null);
        assertNull(x.grad());
    }

    @Test
    void noGradScopeRecordsNothing() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {1}).requiresGrad(true);
        Tensor y;
        try (GradMode.Scope off = GradMode.off()) {
            y = x.mul(3);
        }
        assertTrue(GradMode.isEnabled());
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("does not require grad"), e.getMessage());
    }

    @Test
    void deepChainsDoNotOverflowTheStack() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {1}).requiresGrad(true);
        Tensor y = x;
        for (int i = 0; i < 20_000; i++) {
            y = y.add(1.0);
        }
        y.backward();
        assertEquals(1, x.grad().item(), 0);
    }

    @Test
    void detachStopsGradients() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {2}).requiresGrad(true);
        Tensor y = x.mul(x.detach()); // d/dx = x.detach() = 2
        y.backward();
        assertEquals(2, x.grad().item(), 1e-12);
    }

    @Test
    void nonScalarBackwardNeedsASeed() {
        Tensor x = Tensor.of(REF, DType.F64, new double[] {1, 2}).requiresGrad(true);
        Tensor y = x.mul(3);
        assertThrows(IllegalStateException.class, y::backward);
        y.backward(Tensor.of(REF, DType.F64, new double[] {1, 10}));
        assertArrayEquals(new double[] {3, 30}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void gradientsOfInputsThatNeedNoneAreNotComputed() {
        // A first convolution's input images and a dropout mask need no gradient: their backward ops are skipped.
        striate.op.Conv2dOp conv = new striate.op.Conv2dOp(striate.op.ConvParams.of(1, 0));
        Tensor x = Tensor.zeros(REF, DType.F64, 2, 1, 5, 5);
        Tensor w = Tensor.zeros(REF, DType.F64, 3, 1, 3, 3).requiresGrad(true);
        Tensor dy = Tensor.zeros(REF, DType.F64, 2, 3, 3, 3);
        Tensor[] g = Derivatives.backward(conv, new Tensor[] {x, w}, dy, dy);
        assertNull(g[0]);
        assertArrayEquals(new long[] {3, 1, 3, 3}, g[1].shape().dims());

        Tensor mask = Tensor.zeros(REF, DType.F64, 4);
        Tensor a = Tensor.zeros(REF, DType.F64, 4).requiresGrad(true);
        Tensor[] gm = Derivatives.backward(new striate.op.BinaryOp(striate.op.BinaryFn.MUL), new Tensor[] {a, mask},
                a, Tensor.zeros(REF, DType.F64, 4));
        assertArrayEquals(new long[] {4}, gm[0].shape().dims());
        assertNull(gm[1]);
    }

    @Test
    void eachLeafIsReportedOnceAsSoonAsItsGradientIsFinal() {
        // y = tanh(x·w1ᵀ + b1)·w2ᵀ + b2: the second layer's leaves are final long before the first layer's.
        Tensor x = Tensor.of(REF, DType.F64, new double[] {1, -2, 0.5, 3}, 2, 2);
        Tensor w1 = Tensor.of(REF, DType.F64, new double[] {0.1, 0.2, -0.3, 0.4}, 2, 2).requiresGrad(true);
        Tensor b1 = Tensor.of(REF, DType.F64, new double[] {0.5, -0.5}).requiresGrad(true);
        Tensor w2 = Tensor.of(REF, DType.F64, new double[] {0.7, -0.1}, 1, 2).requiresGrad(true);
        Tensor b2 = Tensor.of(REF, DType.F64, new double[] {0.2}).requiresGrad(true);
        Tensor loss = x.matmul(w1, false, true).add(b1).tanh().matmul(w2, false, true).add(b2).square().sum();

        List<Tensor> reported = new ArrayList<>();
        List<double[]> atReport = new ArrayList<>();
        List<Boolean> firstLayerDone = new ArrayList<>();
        Tape.backward(loss, Tensor.scalar(REF, DType.F64, 1), leaf -> {
            reported.add(leaf);
            atReport.add(leaf.grad().toDoubleArray());
            firstLayerDone.add(w1.grad() != null || b1.grad() != null);
        });

        assertEquals(4, reported.size());
        assertEquals(Set.of(b2, w2), Set.of(reported.get(0), reported.get(1)));
        assertEquals(Set.of(b1, w1), Set.of(reported.get(2), reported.get(3)));
        assertEquals(List.of(false, false), firstLayerDone.subList(0, 2)); // reported mid-pass
        for (int i = 0; i < reported.size(); i++) { // the gradient at the report is the final one
            assertArrayEquals(reported.get(i).grad().toDoubleArray(), atReport.get(i), 0);
        }
    }
}
