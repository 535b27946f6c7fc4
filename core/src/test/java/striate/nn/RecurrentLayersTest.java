package striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.nn.RNNBase.Options;
import striate.nn.RNNBase.State;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * RNN, LSTM and GRU as PyTorch defines them: parameter names, shapes, order and initialization; the step equations in
 * PyTorch's gate order, computed by hand; output and state shapes, batch-first, initial states; lengths (as an array
 * or a tensor, shorter than the padded batch); state carried across chunks (truncated BPTT: values flow, gradients
 * stop at a detach); dropout between layers in training only; descriptions, summaries and errors.
 */
class RecurrentLayersTest {
    private static final Device REF = Device.reference();
    private static final Options TWO_BIDIRECTIONAL = Options.defaults().numLayers(2).bidirectional(true);

    private static Map<String, List<Long>> shapes(Module m) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        m.namedParameters().forEach((k, p) -> out.put(k, Arrays.stream(p.value().shape().dims()).boxed().toList()));
        return out;
    }

    private static Map<String, List<Long>> expected(Object... nameThenDims) {
        Map<String, List<Long>> out = new LinkedHashMap<>();
        for (int i = 0; i < nameThenDims.length; i += 2) {
            out.put((String) nameThenDims[i], Arrays.stream((long[]) nameThenDims[i + 1]).boxed().toList());
        }
        return out;
    }

    private static long[] dims(long... d) {
        return d;
    }

    @Test
    void parameterNamesShapesAndOrderArePyTorchs() {
        // From PyTorch's documentation of LSTM, GRU and RNN (weight_ih_l[k]: (G·hidden, input or dirs·hidden), ...),
        // in the order of named_parameters().
        LSTM lstm = new LSTM(10, 20, TWO_BIDIRECTIONAL, new Rng(1));
        assertEquals(new ArrayList<>(expected(
                "weight_ih_l0", dims(80, 10), "weight_hh_l0", dims(80, 20), "bias_ih_l0", dims(80), "bias_hh_l0", dims(80),
                "weight_ih_l0_reverse", dims(80, 10), "weight_hh_l0_reverse", dims(80, 20),
                "bias_ih_l0_reverse", dims(80), "bias_hh_l0_reverse", dims(80),
                "weight_ih_l1", dims(80, 40), "weight_hh_l1", dims(80, 20), "bias_ih_l1", dims(80), "bias_hh_l1", dims(80),
                "weight_ih_l1_reverse", dims(80, 40), "weight_hh_l1_reverse", dims(80, 20),
                "bias_ih_l1_reverse", dims(80), "bias_hh_l1_reverse", dims(80)).entrySet()),
                new ArrayList<>(shapes(lstm).entrySet()));
        assertEquals(15040, lstm.parameterCount());

        GRU gru = new GRU(10, 20, Options.defaults().numLayers(2), new Rng(1));
        assertEquals(new ArrayList<>(expected(
                "weight_ih_l0", dims(60, 10), "weight_hh_l0", dims(60, 20), "bias_ih_l0", dims(60), "bias_hh_l0", dims(60),
                "weight_ih_l1", dims(60, 20), "weight_hh_l1", dims(60, 20), "bias_ih_l1", dims(60), "bias_hh_l1", dims(60))
                .entrySet()), new ArrayList<>(shapes(gru).entrySet()));
        assertEquals(4440, gru.parameterCount());

        RNN rnn = new RNN(10, 20, RNN.Nonlinearity.TANH, Options.defaults().bias(false).bidirectional(true), new Rng(1));
        assertEquals(new ArrayList<>(expected("weight_ih_l0", dims(20, 10), "weight_hh_l0", dims(20, 20),
                "weight_ih_l0_reverse", dims(20, 10), "weight_hh_l0_reverse", dims(20, 20)).entrySet()),
                new ArrayList<>(shapes(rnn).entrySet()));
        assertEquals(1200, rnn.parameterCount());
    }

    @Test
    void parametersStartUniformWithinOneOverSqrtHidden() {
        LSTM lstm = new LSTM(10, 25, new Rng(3)); // bound 1/√25 = 0.2
        for (Map.Entry<String, Parameter> e : lstm.namedParameters().entrySet()) {
            double[] v = e.getValue().value().toDoubleArray();
            double max = Arrays.stream(v).max().orElseThrow();
            double min = Arrays.stream(v).min().orElseThrow();
            double meanAbs = Arrays.stream(v).map(Math::abs).average().orElseThrow();
            assertTrue(max <= 0.2 && min >= -0.2, e.getKey() + " in [-0.2, 0.2]: " + min + " .. " + max);
            assertTrue(max > 0.18 && min < -0.18, e.getKey() + " fills the range: " + min + " .. " + max);
            assertEquals(0.1, meanAbs, 0.02, e.getKey() + ": the mean |w| of U(-0.2, 0.2) is 0.1");
        }
        assertFalse(Arrays.equals(lstm.namedParameters().get("weight_ih_l0").value().toDoubleArray(),
                new LSTM(10, 25, new Rng(4)).namedParameters().get("weight_ih_l0").value().toDoubleArray()),
                "another seed, other weights");
    }

    // ---- the step equations, by hand --------------------------------------------------------------------

    private static double sigmoid(double v) {
        return 1 / (1 + Math.exp(-v));
    }

    /** w [rows, cols] (row-major) · x [cols] + b [rows] (b null: none). */
    private static double[] affine(Parameter w, double[] x, Parameter b) {
        double[] m = w.value().toDoubleArray();
        int rows = (int) w.value().dim(0);
        int cols = (int) w.value().dim(1);
        double[] y = b == null ? new double[rows] : b.value().toDoubleArray();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                y[r] += m[r * cols + c] * x[c];
            }
        }
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] y = a.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] += b[i];
        }
        return y;
    }

    /** x [seq, 1, in] as seq rows. */
    private static double[][] steps(Tensor x) {
        int seq = (int) x.dim(0);
        int in = (int) x.dim(2);
        double[] v = x.toDoubleArray();
        double[][] out = new double[seq][];
        for (int t = 0; t < seq; t++) {
            out[t] = Arrays.copyOfRange(v, t * in, (t + 1) * in);
        }
        return out;
    }

    private static void assertClose(double[] want, Tensor got, String what) {
        double[] g = got.toDoubleArray();
        assertEquals(want.length, g.length, what);
        for (int i = 0; i < g.length; i++) {
            assertEquals(want[i], g[i], 1e-5, what + " [" + i + "]");
        }
    }

    @Test
    void lstmStepsAreTheEquationsInGateOrderIfgo() {
        int h = 3;
        LSTM lstm = new LSTM(2, h, new Rng(5));
        Map<String, Parameter> p = lstm.namedParameters();
        Tensor x = Tensor.rand(REF, DType.F32, Shape.of(3, 1, 2), -2, 2, 6);
        double[] hs = {0.3, -0.2, 0.5};
        double[] cs = {-0.4, 0.1, 0.6};
        State s0 = new State(Tensor.of(REF, DType.F32, hs, 1, 1, h), Tensor.of(REF, DType.F32, cs, 1, 1, h));
        RNNBase.Output out = lstm.forward(x, s0);
        List<Double> want = new ArrayList<>();
        for (double[] xt : steps(x)) {
            double[] g = add(affine(p.get("weight_ih_l0"), xt, p.get("bias_ih_l0")),
                    affine(p.get("weight_hh_l0"), hs, p.get("bias_hh_l0")));
            double[] hn = new double[h];
            double[] cn = new double[h];
            for (int j = 0; j < h; j++) {
                double i = sigmoid(g[j]);
                double f = sigmoid(g[h + j]);
                double gg = Math.tanh(g[2 * h + j]);
                double o = sigmoid(g[3 * h + j]);
                cn[j] = f * cs[j] + i * gg;
                hn[j] = o * Math.tanh(cn[j]);
            }
            hs = hn;
            cs = cn;
            Arrays.stream(hn).forEach(want::add);
        }
        assertClose(want.stream().mapToDouble(Double::doubleValue).toArray(), out.output(), "LSTM outputs");
        assertClose(hs, out.state().h(), "LSTM h_n");
        assertClose(cs, out.state().c(), "LSTM c_n");
    }

    @Test
    void gruStepsAreTheEquationsInGateOrderRzn() {
        int h = 3;
        GRU gru = new GRU(2, h, new Rng(7));
        Map<String, Parameter> p = gru.namedParameters();
        Tensor x = Tensor.rand(REF, DType.F32, Shape.of(3, 1, 2), -2, 2, 8);
        double[] hs = {0.3, -0.2, 0.5};
        RNNBase.Output out = gru.forward(x, State.of(Tensor.of(REF, DType.F32, hs, 1, 1, h)));
        List<Double> want = new ArrayList<>();
        for (double[] xt : steps(x)) {
            double[] xg = affine(p.get("weight_ih_l0"), xt, p.get("bias_ih_l0"));
            double[] hg = affine(p.get("weight_hh_l0"), hs, p.get("bias_hh_l0")); // b_hh_n inside r·(...)
            double[] hn = new double[h];
            for (int j = 0; j < h; j++) {
                double r = sigmoid(xg[j] + hg[j]);
                double z = sigmoid(xg[h + j] + hg[h + j]);
                double n = Math.tanh(xg[2 * h + j] + r * hg[2 * h + j]);
                hn[j] = (1 - z) * n + z * hs[j];
            }
            hs = hn;
            Arrays.stream(hn).forEach(want::add);
        }
        assertClose(want.stream().mapToDouble(Double::doubleValue).toArray(), out.output(), "GRU outputs");
        assertClose(hs, out.state().h(), "GRU h_n");
        assertNull(out.state().c(), "a GRU has no cell state");
    }

    @Test
    void rnnStepsAreTheElmanEquationWithTanhOrRelu() {
        for (RNN.Nonlinearity phi : RNN.Nonlinearity.values()) {
            RNN rnn = new RNN(2, 3, phi, Options.defaults(), new Rng(9));
            Map<String, Parameter> p = rnn.namedParameters();
            Tensor x = Tensor.rand(REF, DType.F32, Shape.of(3, 1, 2), -2, 2, 10);
            double[] hs = new double[3];
            List<Double> want = new ArrayList<>();
            for (double[] xt : steps(x)) {
                double[] pre = add(affine(p.get("weight_ih_l0"), xt, p.get("bias_ih_l0")),
                        affine(p.get("weight_hh_l0"), hs, p.get("bias_hh_l0")));
                hs = Arrays.stream(pre).map(v -> phi == RNN.Nonlinearity.TANH ? Math.tanh(v) : Math.max(v, 0)).toArray();
                Arrays.stream(hs).forEach(want::add);
            }
            Tensor y = rnn.forward(x); // zero initial state by default
            assertClose(want.stream().mapToDouble(Double::doubleValue).toArray(), y, "RNN " + phi);
        }
    }

    // ---- shapes, layouts, states ------------------------------------------------------------------------

    @Test
    void outputAndStateShapes() {
        Tensor x = Tensor.rand(REF, DType.F32, Shape.of(7, 4, 3), -1, 1, 1);
        RNNBase.Output lstm = new LSTM(3, 5, TWO_BIDIRECTIONAL, new Rng(1)).forward(x, null);
        assertEquals(Shape.of(7, 4, 10), lstm.output().shape());
        assertEquals(Shape.of(4, 4, 5), lstm.state().h().shape());
        assertEquals(Shape.of(4, 4, 5), lstm.state().c().shape());

        Tensor xb = Tensor.rand(REF, DType.F32, Shape.of(4, 7, 3), -1, 1, 1);
        RNNBase.Output gru = new GRU(3, 5, Options.defaults().numLayers(3).batchFirst(true), new Rng(1)).forward(xb, null);
        assertEquals(Shape.of(4, 7, 5), gru.output().shape(), "batch-first output");
        assertEquals(Shape.of(3, 4, 5), gru.state().h().shape(), "h_n is [layers·dirs, batch, hidden] even batch-first");
        assertNull(gru.state().c());
    }

    @Test
    void batchFirstIsTheTransposedLayoutOfTheSameComputation() {
        Tensor x = Tensor.rand(REF, DType.F32, Shape.of(6, 3, 4), -1, 1, 2); // [seq, n, in]
        RNNBase.Output seqFirst = new LSTM(4, 5, TWO_BIDIRECTIONAL, new Rng(11)).forward(x, null, new int[] {6, 2, 4});
        RNNBase.Output batchFirst = new LSTM(4, 5, TWO_BIDIRECTIONAL.batchFirst(true), new Rng(11))
                .forward(x.transpose(0, 1).contiguous(), null, new int[] {6, 2, 4});
        assertArrayEquals(seqFirst.output().transpose(0, 1).contiguous().toDoubleArray(),
                batchFirst.output().contiguous().toDoubleArray(), 1e-6);
        assertArrayEquals(seqFirst.state().h().toDoubleArray(), batchFirst.state().h().toDoubleArray(), 1e-6);
        assertArrayEquals(seqFirst.state().c().toDoubleArray(), batchFirst.state().c().toDoubleArray(), 1e-6);
    }

    private static long products(KernelTrace.Recorder trace) {
        return trace.events().stream().filter(e -> e.op().startsWith("MatMulOp")).count();
    }

    /** Fused GRU layer ops with this zero-state promise. */
    private static long layers(KernelTrace.Recorder trace, boolean zeroState) {
        return trace.events().stream().filter(e -> e.op().equals("GruLayerOp")
                && e.path().equals(zeroState ? "from a zero state" : "from a given state")).count();
    }

    @Test
    void noStateMeansZeroStates() {
        GRU gru = new GRU(3, 4, TWO_BIDIRECTIONAL, new Rng(12));
        Tensor x = Tensor.rand(REF, DType.F32, Shape.of(5, 2, 3), -1, 1, 3);
        RNNBase.Output none;
        RNNBase.Output zeros;
        try (KernelTrace.Recorder trace = KernelTrace.record()) {
            none = gru.forward(x, null);
            assertEquals(4, products(trace), "per layer direction: the projection");
            assertEquals(4, layers(trace, true), "per layer direction: one fused layer op from a zero state");
        }
        try (KernelTrace.Recorder trace = KernelTrace.record()) {
            zeros = gru.forward(x, State.of(Tensor.zeros(REF, DType.F32, 4, 2, 4)));
            assertEquals(4, layers(trace, false), "a given state: no zero-state promise, a hidden product every step");
        }
        assertArrayEquals(zeros.output().toDoubleArray(), none.output().toDoubleArray());
        assertArrayEquals(zeros.state().h().toDoubleArray(), none.state().h().toDoubleArray());
        assertArrayEquals(zeros.output().toDoubleArray(), gru.forward(x).toDoubleArray(), "forward(x) is the output");
    }

    @Test
    void lengthsAsATensorAndShorterThanThePaddedBatch() {
        LSTM lstm = new LSTM(3, 4, TWO_BIDIRECTIONAL, new Rng(13));
        Tensor x = Tensor.rand(REF, DType.F32, Shape.of(5, 2, 3), -1, 1, 4);
        int[] lengths = {3, 2}; // the padded batch has 5 steps; the last 2 are nobody's
        RNNBase.Output out = lstm.forward(x, null, lengths);
        assertEquals(Shape.of(5, 2, 8), out.output().shape(), "the output keeps the batch's padded length");
        for (double v : out.output().slice(0, 3, 5).toDoubleArray()) {
            assertEquals(0.0, v, "steps past every sequence output zeros");
        }
        RNNBase.Output cut = lstm.forward(x.slice(0, 0, 3), null, lengths);
        assertArrayEquals(cut.output().toDoubleArray(), out.output().slice(0, 0, 3).toDoubleArray());
        assertArrayEquals(cut.state().h().toDoubleArray(), out.state().h().toDoubleArray());
        RNNBase.Output fromTensor = lstm.forward(x, null, Tensor.ofInts(REF, lengths));
        assertArrayEquals(out.output().toDoubleArray(), fromTensor.output().toDoubleArray());
        assertArrayEquals(out.state().c().toDoubleArray(), fromTensor.state().c().toDoubleArray());
    }

    // ---- truncated backpropagation through time ---------------------------------------------------------

    @Test
    void stateCarriedAcrossChunksGivesTheWholeSequencesValues() {
        for (RNNBase m : List.<RNNBase>of(new LSTM(3, 4, TWO_BIDIRECTIONAL.bidirectional(false), new Rng(14)),
                new GRU(3, 4, Options.defaults().numLayers(2), new Rng(15)))) {
            Tensor x = Tensor.rand(REF, DType.F32, Shape.of(8, 2, 3), -1, 1, 5);
            RNNBase.Output whole = m.forward(x, null);
            RNNBase.Output first = m.forward(x.slice(0, 0, 5), null);
            RNNBase.Output second = m.forward(x.slice(0, 5, 8), first.state().detach());
            assertArrayEquals(whole.output().slice(0, 5, 8).toDoubleArray(), second.output().toDoubleArray(), 1e-6,
                    m + ": the second chunk continues the first");
            assertArrayEquals(whole.state().h().toDoubleArray(), second.state().h().toDoubleArray(), 1e-6);
        }
    }

    @Test
    void stateKeptOutOfEachStepsMemoryScopeCarriesOn() {
        LSTM lstm = new LSTM(3, 4, TWO_BIDIRECTIONAL.bidirectional(false), new Rng(19));
        Tensor x = Tensor.rand(REF, DType.F32, Shape.of(9, 2, 3), -1, 1, 10);
        double[] whole = lstm.forward(x, null).output().slice(0, 6, 9).toDoubleArray();
        State state = null;
        double[] last = null;
        for (int start = 0; start < 9; start += 3) { // three chunks of 3 steps, each a training step's scope
            try (striate.tensor.MemoryScope step = striate.tensor.MemoryScope.open()) {
                RNNBase.Output out = lstm.forward(x.slice(0, start, start + 3), state);
                out.output().sum().backward();
                last = out.output().toDoubleArray();
                lstm.zeroGrad(); // the gradients belong to the step
                state = out.state().detach().keep(step);
            }
        }
        assertArrayEquals(whole, last, 1e-6, "the last chunk continues from the kept states");
        assertEquals(Shape.of(2, 2, 4), state.c().shape());
        assertTrue(Arrays.stream(state.c().toDoubleArray()).allMatch(Double::isFinite), "readable after its scope");
    }

    @Test
    void detachedStateStopsGradientsAtTheChunkBoundary() {
        LSTM lstm = new LSTM(3, 4, Options.defaults().numLayers(2), new Rng(16));
        for (boolean detach : new boolean[] {true, false}) {
            lstm.zeroGrad();
            Tensor x1 = Tensor.rand(REF, DType.F32, Shape.of(4, 2, 3), -1, 1, 6).requiresGrad(true);
            Tensor x2 = Tensor.rand(REF, DType.F32, Shape.of(4, 2, 3), -1, 1, 7).requiresGrad(true);
            State carried = lstm.forward(x1, null).state();
            RNNBase.Output second = lstm.forward(x2, detach ? carried.detach() : carried);
            second.output().sum().backward();
            assertNotNull(x2.grad(), "the second chunk's input gets its gradient");
            if (detach) {
                assertNull(x1.grad(), "nothing flows back into the first chunk");
                assertFalse(carried.detach().h().requiresGrad());
            } else {
                assertNotNull(x1.grad(), "without detach the gradient reaches the first chunk");
                assertTrue(Arrays.stream(x1.grad().toDoubleArray()).anyMatch(v -> Math.abs(v) > 1e-4));
            }
        }
    }

    // ---- dropout ----------------------------------------------------------------------------------------

    @Test
    void dropoutActsBetweenLayersInTrainingOnly() {
        Options options = Options.defaults().numLayers(3).dropout(0.5);
        Tensor x = Tensor.rand(REF, DType.F32, Shape.of(5, 4, 3), -1, 1, 8);
        LSTM a = new LSTM(3, 6, options, new Rng(17));
        LSTM b = new LSTM(3, 6, options, new Rng(17));
        double[] trainA = a.forward(x).toDoubleArray();
        assertArrayEquals(trainA, b.forward(x).toDoubleArray(), "the same seed drops the same units");
        assertFalse(Arrays.equals(trainA, a.forward(x).toDoubleArray()), "each forward draws a new mask");
        assertTrue(Arrays.stream(trainA).noneMatch(v -> v == 0), "no dropout after the last layer");
        a.eval();
        double[] evalA = a.forward(x).toDoubleArray();
        assertArrayEquals(evalA, a.forward(x).toDoubleArray(), "evaluation is deterministic");
        assertFalse(Arrays.equals(trainA, evalA), "training drops units between layers");
        assertEquals(1, a.namedRngs().size(), "the dropout generator is saved with checkpoints");

        LSTM single = new LSTM(3, 6, Options.defaults().dropout(0.5), new Rng(18));
        double[] train = single.forward(x).toDoubleArray();
        single.eval();
        assertArrayEquals(train, single.forward(x).toDoubleArray(), "one layer: nothing between layers to drop");
    }

    // ---- descriptions and errors ------------------------------------------------------------------------

    @Test
    void descriptionsFollowPyTorch() {
        assertEquals("LSTM(10, 20, num_layers=2, bidirectional=true)", new LSTM(10, 20, TWO_BIDIRECTIONAL, new Rng(1))
                .toString());
        assertEquals("GRU(4, 8, bias=false, batch_first=true, dropout=0.25)", new GRU(4, 8,
                Options.defaults().bias(false).batchFirst(true).dropout(0.25), new Rng(1)).toString());
        assertEquals("RNN(4, 8)", new RNN(4, 8, new Rng(1)).toString());
        assertEquals("RNN(4, 8, nonlinearity=relu)", new RNN(4, 8, RNN.Nonlinearity.RELU, Options.defaults(),
                new Rng(1)).toString());
    }

    @Test
    void summaryListsEmbeddingAndRecurrentLayers() {
        Sequential model = new Sequential(new Embedding(10, 8, 0, new Rng(1)),
                new GRU(8, 16, Options.defaults().bidirectional(true), new Rng(2)));
        String table = Summary.of(model, Shape.of(5, 2), DType.I32);
        assertTrue(table.contains("Embedding(10, 8, padding_idx=0)") && table.contains("[5, 2, 8]"), table);
        assertTrue(table.contains("GRU(8, 16, bidirectional=true)") && table.contains("[5, 2, 32]"), table);
        assertTrue(table.contains("2,496"), "2 directions × (48·8 + 48·16 + 2·48) = 2,496:\n" + table);
        assertTrue(table.contains("Total parameters: 2,576"), table);
    }

    @Test
    void badInputIsOneClearError() {
        LSTM lstm = new LSTM(3, 4, TWO_BIDIRECTIONAL, new Rng(1));
        Tensor x = Tensor.rand(REF, DType.F32, Shape.of(5, 2, 3), -1, 1, 9);
        List<Map.Entry<String, Runnable>> cases = new ArrayList<>();
        cases.add(Map.entry("[seq, batch, 3]", () -> lstm.forward(Tensor.zeros(REF, DType.F32, 5, 2, 4))));
        cases.add(Map.entry("[seq, batch, 3]", () -> lstm.forward(Tensor.zeros(REF, DType.F32, 5, 3))));
        cases.add(Map.entry("3 lengths for a batch of 2", () -> lstm.forward(x, null, new int[] {5, 2, 1})));
        cases.add(Map.entry("lengths[1] = 0: an empty sequence", () -> lstm.forward(x, null, new int[] {5, 0})));
        cases.add(Map.entry("lengths[0] = 6 is longer than the padded batch (5 steps)", () -> lstm.forward(x, null,
                new int[] {6, 2})));
        cases.add(Map.entry("lengths must be an int32 tensor [batch]", () -> lstm.forward(x, null,
                Tensor.zeros(REF, DType.F32, 2))));
        cases.add(Map.entry("needs c (the cell state)", () -> lstm.forward(x, State.of(Tensor.zeros(REF, DType.F32, 4, 2, 4)))));
        cases.add(Map.entry("expected [4, 2, 4]", () -> lstm.forward(x, new State(Tensor.zeros(REF, DType.F32, 2, 2, 4),
                Tensor.zeros(REF, DType.F32, 2, 2, 4)))));
        cases.add(Map.entry("initial h is float64 but the input is float32", () -> lstm.forward(x, new State(
                Tensor.zeros(REF, DType.F64, 4, 2, 4), Tensor.zeros(REF, DType.F64, 4, 2, 4)))));
        cases.add(Map.entry("only LSTM has", () -> new GRU(3, 4, new Rng(1)).forward(x, new State(
                Tensor.zeros(REF, DType.F32, 1, 2, 4), Tensor.zeros(REF, DType.F32, 1, 2, 4)))));
        cases.add(Map.entry("numLayers must be >= 1", () -> Options.defaults().numLayers(0)));
        cases.add(Map.entry("dropout must be in [0, 1)", () -> Options.defaults().dropout(1)));
        cases.forEach(c -> {
            String message = c.getKey();
            Runnable run = c.getValue();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, run::run, message);
            assertTrue(e.getMessage().contains(message), "'" + e.getMessage() + "' says " + message);
            assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        });
    }
}
