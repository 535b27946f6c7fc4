package striate.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * The gradients of many slices of one tensor: joined by one concatenation when they lie on one axis without
 * overlapping (zeros in the gaps), padded and summed otherwise; right either way (central differences).
 */
class SliceGradientsTest {
    private static final Device REF = Device.reference();

    private static Tensor u(long seed, long... dims) {
        return GradCheck.uniform(REF, seed, -1, 1, dims);
    }

    /** Checks f's gradient numerically and returns the names of the kernels its backward pass ran. */
    private static List<String> check(Function<Tensor, Tensor> f, Tensor x0) {
        GradCheck.Result r = GradCheck.standard().check(x -> f.apply(x[0]), x0);
        assertTrue(r.passed(), r.toString());
        Tensor x = x0.copy().requiresGrad(true);
        Tensor loss = f.apply(x).sum();
        List<String> ops = new ArrayList<>();
        try (KernelTrace.Recorder rec = KernelTrace.record()) {
            loss.backward();
            rec.events().forEach(e -> ops.add(e.op()));
        }
        return ops;
    }

    private static long count(List<String> ops, String op) {
        return ops.stream().filter(o -> o.startsWith(op)).count();
    }

    @Test
    void theStepsOfASequenceAreJoinedByOneConcatenation() {
        Function<Tensor, Tensor> steps = x -> {
            Tensor[] parts = new Tensor[5];
            for (int t = 0; t < 5; t++) {
                parts[t] = x.slice(0, t, t + 1).reshape(2, 3).tanh(); // one reader per step, as a recurrent layer
            }
            return Tensor.stack(0, parts);
        };
        List<String> ops = check(steps, u(1, 5, 2, 3));
        assertEquals(1, count(ops, "CatOp"), "one concatenation for five step gradients: " + ops);
        assertEquals(0, count(ops, "PadOp"), "no step gradient padded to the whole sequence: " + ops);
    }

    @Test
    void gapsGetZerosAndAnotherReaderAddsItsGradient() {
        Function<Tensor, Tensor> f = x -> x.slice(1, 0, 2).tanh().sum(1, false)
                .add(x.slice(1, 5, 7).square().sum(1, false))
                .add(x.mul(3).sum(1, false)); // [4]
        Tensor x0 = u(2, 4, 7);
        List<String> ops = check(f, x0);
        assertEquals(1, count(ops, "CatOp"), ops.toString());
        Tensor x = x0.copy().requiresGrad(true);
        f.apply(x).sum().backward();
        double[] g = x.grad().toDoubleArray();
        for (int r = 0; r < 4; r++) {
            for (int c = 2; c < 5; c++) {
                assertEquals(3.0, g[r * 7 + c], 0.0, "columns no slice reads get only the other reader's gradient");
            }
        }
    }

    @Test
    void overlappingSlicesAndSlicesOfTwoAxesArePaddedAndSummed() {
        Function<Tensor, Tensor> overlapping = x -> x.slice(0, 0, 3).tanh().sum().add(x.slice(0, 2, 5).exp().sum());
        List<String> ops = check(overlapping, u(3, 5, 3));
        assertEquals(0, count(ops, "CatOp"), ops.toString());
        assertEquals(2, count(ops, "PadOp"), ops.toString());
        Function<Tensor, Tensor> twoAxes = x -> x.slice(0, 0, 2).tanh().sum().add(x.slice(1, 1, 3).exp().sum());
        ops = check(twoAxes, u(4, 4, 3));
        assertEquals(0, count(ops, "CatOp"), ops.toString());
        Function<Tensor, Tensor> one = x -> x.slice(1, 2, 4).sigmoid();
        ops = check(one, u(5, 3, 5));
        assertEquals(List.of(1L, 0L), List.of(count(ops, "PadOp"), count(ops, "CatOp")), "one slice is padded");
    }

    @Test
    void theJoinedGradientEqualsThePaddedSum() {
        Tensor x0 = u(6, 6, 4);
        Tensor x = x0.copy().requiresGrad(true);
        Tensor y = Tensor.cat(0, x.slice(0, 4, 6).mul(2), x.slice(0, 0, 1).tanh(), x.slice(0, 1, 3).exp());
        Tensor r = u(7, 5, 4);
        y.mul(r).sum().backward();
        // The same three pieces placed by hand: rows 4-5 get 2·r, row 0 tanh's, rows 1-2 exp's, row 3 nothing.
        double[] rv = r.toDoubleArray();
        double[] xv = x0.toDoubleArray();
        double[] want = new double[24];
        for (int c = 0; c < 4; c++) {
            want[16 + c] = 2 * rv[c];
            want[20 + c] = 2 * rv[4 + c];
            double t = Math.tanh(xv[c]);
            want[c] = rv[8 + c] * (1 - t * t);
            want[4 + c] = rv[12 + c] * Math.exp(xv[4 + c]);
            want[8 + c] = rv[16 + c] * Math.exp(xv[8 + c]);
        }
        double[] got = x.grad().toDoubleArray();
        for (int i = 0; i < 24; i++) {
            assertEquals(want[i], got[i], 1e-15 * Math.max(1, Math.abs(want[i])), "element " + i);
        }
        assertArrayEquals(new double[4], x.grad().slice(0, 3, 4).toDoubleArray(), "row 3 is read by no slice");
    }
}
