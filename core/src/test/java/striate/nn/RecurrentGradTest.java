package striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import striate.autograd.GradCheck;
import striate.nn.Functional.LstmState;
import striate.op.LstmCellOp;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * The recurrent building blocks against central differences in float64 on the reference backend: every gate of the
 * fused LSTM and GRU cells (pre-activations up to ±4, where a sigmoid saturates a little, each gate's gradient checked
 * to matter), backpropagation through time over 6 chained steps with the products composed around the cells, and the
 * embedding's scatter-add with repeated ids and a padding row.
 */
class RecurrentGradTest {
    private static final Device REF = Device.reference();
    private static final int STEPS = 6;

    private static Tensor u(long seed, double bound, long... dims) {
        return GradCheck.uniform(REF, seed, -bound, bound, dims);
    }

    private static void assertGradientsMatch(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        GradCheck.Result r = GradCheck.standard().check(f, inputs);
        assertTrue(r.passed(), name + ": " + r);
        assertEquals(0, r.skipped(), name + ": the cells are smooth, no element is a kink");
    }

    /** The largest |g| in columns [block·h, (block + 1)·h) of g [n, k·h]. */
    private static double blockMax(Tensor g, int block, long h) {
        double[] v = g.slice(1, block * h, (block + 1) * h).toDoubleArray();
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    @Test
    void everyLstmGateMatchesFiniteDifferences() {
        long n = 3;
        long h = 5;
        Tensor gates = u(1, 4, n, 4 * h);
        Tensor c = u(2, 1.5, n, h);
        assertGradientsMatch("lstm h' and c'", x -> Tensor.apply(new LstmCellOp(), x[0], x[1]), gates, c);
        assertGradientsMatch("lstm h' only", x -> Functional.lstmCell(x[0], x[1]).h(), gates, c);
        assertGradientsMatch("lstm c' only (o does not reach it)", x -> Functional.lstmCell(x[0], x[1]).c(), gates, c);

        Tensor g = gates.copy().requiresGrad(true);
        Tensor c0 = c.copy().requiresGrad(true);
        LstmState s = Functional.lstmCell(g, c0);
        s.h().add(s.c()).sum().backward();
        String[] names = {"i", "f", "g", "o"};
        for (int k = 0; k < 4; k++) {
            assertTrue(blockMax(g.grad(), k, h) > 0.02, "gate " + names[k] + " gets a gradient that matters");
        }
        assertTrue(blockMax(c0.grad(), 0, h) > 0.02, "the cell state gets a gradient");
    }

    @Test
    void everyGruGateMatchesFiniteDifferences() {
        long n = 3;
        long h = 5;
        Tensor xg = u(3, 2.5, n, 3 * h);
        Tensor hg = u(4, 2.5, n, 3 * h);
        Tensor hp = u(5, 1, n, h);
        assertGradientsMatch("gru", x -> Functional.gruCell(x[0], x[1], x[2]), xg, hg, hp);

        Tensor x = xg.copy().requiresGrad(true);
        Tensor y = hg.copy().requiresGrad(true);
        Tensor h0 = hp.copy().requiresGrad(true);
        Functional.gruCell(x, y, h0).sum().backward();
        String[] names = {"r", "z", "n"};
        for (int k = 0; k < 3; k++) {
            assertTrue(blockMax(x.grad(), k, h) > 0.02, "xg gate " + names[k] + " gets a gradient that matters");
            assertTrue(blockMax(y.grad(), k, h) > 0.02, "hg gate " + names[k] + " gets a gradient that matters");
        }
        assertTrue(blockMax(h0.grad(), 0, h) > 0.02, "the previous state gets a gradient");
        assertArrayEquals(x.grad().slice(1, 0, 2 * h).toDoubleArray(), y.grad().slice(1, 0, 2 * h).toDoubleArray(),
                "r and z see xg and hg only through their sum");
    }

    /**
     * An LSTM layer over {@link #STEPS} steps as a layer composes it: the input projection of every step in one
     * product, sliced per step, the hidden projection per step, the fused cell, and every h_t stacked into the output.
     */
    private static Tensor lstmLayer(Tensor x, Tensor wIh, Tensor wHh, Tensor b, Tensor h0, Tensor c0) {
        long t = x.dim(0);
        long n = x.dim(1);
        long h = h0.dim(1);
        Tensor xp = x.reshape(t * n, x.dim(2)).matmul(wIh, false, true).add(b).reshape(t, n, 4 * h); // [t, n, 4h]
        Tensor hs = h0;
        Tensor cs = c0;
        Tensor[] out = new Tensor[(int) t];
        for (int s = 0; s < t; s++) {
            Tensor gates = xp.slice(0, s, s + 1).reshape(n, 4 * h).add(hs.matmul(wHh, false, true)); // [n, 4h]
            LstmState next = Functional.lstmCell(gates, cs);
            hs = next.h();
            cs = next.c();
            out[s] = hs;
        }
        return Tensor.stack(0, out); // [t, n, h]
    }

    private static Tensor gruLayer(Tensor x, Tensor wIh, Tensor wHh, Tensor bIh, Tensor bHh, Tensor h0) {
        long t = x.dim(0);
        long n = x.dim(1);
        long h = h0.dim(1);
        Tensor xp = x.reshape(t * n, x.dim(2)).matmul(wIh, false, true).add(bIh).reshape(t, n, 3 * h); // [t, n, 3h]
        Tensor hs = h0;
        Tensor[] out = new Tensor[(int) t];
        for (int s = 0; s < t; s++) {
            Tensor hg = hs.matmul(wHh, false, true).add(bHh); // [n, 3h]
            hs = Functional.gruCell(xp.slice(0, s, s + 1).reshape(n, 3 * h), hg, hs);
            out[s] = hs;
        }
        return Tensor.stack(0, out); // [t, n, h]
    }

    @Test
    void lstmBackpropagationThroughSixStepsMatchesFiniteDifferences() {
        long n = 2;
        long in = 3;
        long h = 4;
        assertGradientsMatch("lstm BPTT over " + STEPS + " steps, loss on every h_t",
                x -> lstmLayer(x[0], x[1], x[2], x[3], x[4], x[5]),
                u(6, 1, STEPS, n, in), u(7, 0.8, 4 * h, in), u(8, 0.8, 4 * h, h), u(9, 0.5, 4 * h), u(10, 1, n, h),
                u(11, 1, n, h));
    }

    @Test
    void gruBackpropagationThroughSixStepsMatchesFiniteDifferences() {
        long n = 2;
        long in = 3;
        long h = 4;
        assertGradientsMatch("gru BPTT over " + STEPS + " steps, loss on every h_t",
                x -> gruLayer(x[0], x[1], x[2], x[3], x[4], x[5]),
                u(12, 1, STEPS, n, in), u(13, 0.8, 3 * h, in), u(14, 0.8, 3 * h, h), u(15, 0.5, 3 * h),
                u(16, 0.5, 3 * h), u(17, 1, n, h));
    }

    @Test
    void gradientsReachTheFirstStep() {
        // Through six steps the first input still gets a gradient from the last output alone: BPTT is wired end to end.
        Tensor x = u(18, 1, STEPS, 2, 3).requiresGrad(true);
        Tensor y = lstmLayer(x, u(7, 0.8, 16, 3), u(8, 0.8, 16, 4), u(9, 0.5, 16), u(10, 1, 2, 4), u(11, 1, 2, 4));
        y.slice(0, STEPS - 1, STEPS).sum().backward();
        double first = 0;
        for (double g : x.grad().slice(0, 0, 1).toDoubleArray()) {
            first = Math.max(first, Math.abs(g));
        }
        assertTrue(first > 1e-4, "the first step's input gradient from the last output: " + first);
    }

    @Test
    void embeddingScatterAddsRepeatedIdsAndSkipsThePaddingRow() {
        Tensor w = u(19, 1, 6, 3).requiresGrad(true);
        Tensor ids = Tensor.ofInts(REF, new int[] {4, 1, 4, 0, 4, 1}, 2, 3);
        Tensor y = Functional.embedding(ids, w, 1); // [2, 3, 3]
        assertArrayEquals(w.slice(0, 4, 5).toDoubleArray(), y.slice(0, 0, 1).slice(1, 0, 1).toDoubleArray(),
                "y[0, 0] is row 4 of the weight");
        assertArrayEquals(w.slice(0, 1, 2).toDoubleArray(), y.slice(0, 0, 1).slice(1, 1, 2).toDoubleArray(),
                "the padding row is gathered like any row");
        Tensor dy = Tensor.of(REF, DType.F64, new double[] {1, 2, 3, 10, 20, 30, 100, 200, 300, 4, 5, 6, 7, 8, 9,
                40, 50, 60}, 2, 3, 3);
        y.backward(dy);
        assertArrayEquals(new double[] {4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 108, 210, 312, 0, 0, 0},
                w.grad().toDoubleArray(), "row 4 sums its three positions, row 1 (padding) and unused rows get 0");
    }

    @Test
    void anIdOutsideTheWeightIsAnErrorNamingItsPosition() {
        Tensor w = u(20, 1, 5, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.embedding(Tensor.ofInts(REF, new int[] {0, 1, 2, 7}, 2, 2), w, -1));
        assertEquals("EmbeddingOp: ids[1, 1] = 7 is not a row of the 5-row weight; ids must lie in [0, 5)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Functional.embedding(Tensor.ofInts(REF, new int[] {-1}), w, -1));
        assertEquals("EmbeddingOp: ids[0] = -1 is not a row of the 5-row weight; ids must lie in [0, 5)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Functional.embedding(Tensor.ofInts(REF, new int[] {0}), w, 5));
        assertEquals("EmbeddingOp: paddingIdx 5 is not a row of the 5-row weight; give a row in [0, 5) or -1 for none",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Functional.embedding(Tensor.of(REF, DType.F64, new double[] {0}, 1), w, -1));
        assertTrue(e.getMessage().contains("ids must be int32"), e.getMessage());
    }
}
