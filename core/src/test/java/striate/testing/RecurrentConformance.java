package striate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import striate.nn.Embedding;
import striate.nn.GRU;
import striate.nn.LSTM;
import striate.nn.Linear;
import striate.nn.Losses;
import striate.nn.Parameter;
import striate.nn.RNN;
import striate.nn.RNNBase;
import striate.nn.RNNBase.Options;
import striate.nn.RNNBase.State;
import striate.op.MatMulOp;
import striate.optim.Adam;
import striate.optim.Optimizer;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The recurrent layers (RNN, LSTM, GRU: two layers, bidirectional) on one backend, subclassed per backend like
 * {@link OpConformance}: a padded batch with lengths gives each sequence's outputs, final states and parameter
 * gradients as running it alone does (padded steps output zeros and get no gradient); a whole module's forward and
 * backward match the reference backend's within the tolerance table; an LSTM learns a toy sequence task.
 */
public abstract class RecurrentConformance {
    /** The device under test. */
    protected abstract Device device();

    /** Batched against alone, and this backend against the reference: sums of products, in float32. */
    private static final Tolerance CLOSE = Tolerance.of(MatMulOp.class, DType.F32);

    private static final long IN = 3;
    private static final long HIDDEN = 4;
    private static final long SEQ = 5;
    private static final int[] LENGTHS = {5, 2, 4};
    private static final int[] SORTED_LENGTHS = {5, 4, 4, 2};
    private static final Options TWO_BIDIRECTIONAL = Options.defaults().numLayers(2).bidirectional(true);

    /** The three layers, two layers each, bidirectional, seeded: a fresh instance per call. */
    private static List<Supplier<RNNBase>> layers(long in, long hidden, Options options) {
        return List.of(() -> new LSTM(in, hidden, options, new Rng(1)),
                () -> new GRU(in, hidden, options, new Rng(2)),
                () -> new RNN(in, hidden, RNN.Nonlinearity.TANH, options, new Rng(3)));
    }

    private static boolean hasCell(RNNBase m) {
        return m instanceof LSTM;
    }

    /** One forward and backward: the loss projects output and final states on fixed random weights. */
    private record Pass(Tensor output, State state, Tensor x, Tensor h0, Tensor c0) {
    }

    private static Pass pass(RNNBase m, Tensor x, Tensor h0, Tensor c0, int[] lengths, long seed) {
        Device d = x.device();
        State initial = new State(h0, c0);
        RNNBase.Output out = lengths == null ? m.forward(x, initial) : m.forward(x, initial, lengths);
        Tensor loss = out.output().mul(Fixtures.uniform(d, seed, -1, 1, out.output().shape().dims())).sum();
        long[] s = out.state().h().shape().dims();
        loss = loss.add(out.state().h().mul(Fixtures.uniform(d, seed + 1, -1, 1, s)).sum());
        if (c0 != null) {
            loss = loss.add(out.state().c().mul(Fixtures.uniform(d, seed + 2, -1, 1, s)).sum());
        }
        loss.backward();
        return new Pass(out.output(), out.state(), x, h0, c0);
    }

    private static Tensor leaf(Tensor t) {
        return t.copy().requiresGrad(true);
    }

    private static double[] values(Tensor t) {
        return t.toDoubleArray();
    }

    @Test
    void paddedBatchWithLengthsMatchesEachSequenceRunAlone() {
        paddedBatchMatchesEachSequenceRunAlone(LENGTHS); // masked: every row runs every step
    }

    @Test
    void aBatchSortedLongestFirstRunsPackedAndMatchesEachSequenceRunAlone() {
        paddedBatchMatchesEachSequenceRunAlone(SORTED_LENGTHS); // packed: each step runs the live rows only
    }

    private void paddedBatchMatchesEachSequenceRunAlone(int[] lengths) {
        Device d = device();
        long n = lengths.length;
        long dirs = TWO_BIDIRECTIONAL.directions() * TWO_BIDIRECTIONAL.numLayers();
        for (Supplier<RNNBase> make : layers(IN, HIDDEN, TWO_BIDIRECTIONAL)) {
            RNNBase batched = make.get();
            batched.to(d);
            String what = batched.getClass().getSimpleName();
            boolean cell = hasCell(batched);
            // Padded positions hold values, not zeros: they must not leak into anything.
            Tensor x = Fixtures.uniform(d, 11, -1, 1, SEQ, n, IN);
            Tensor h0 = Fixtures.uniform(d, 12, -0.5, 0.5, dirs, n, HIDDEN);
            Tensor c0 = cell ? Fixtures.uniform(d, 13, -0.5, 0.5, dirs, n, HIDDEN) : null;
            // The loss weights of sequence b alone are its slice of the batch's, through the same seed and shape.
            Pass all = pass(batched, leaf(x), leaf(h0), cell ? leaf(c0) : null, lengths, 100);

            RNNBase alone = make.get();
            alone.to(d);
            for (int b = 0; b < n; b++) {
                int len = lengths[b];
                Tensor xb = leaf(x.slice(1, b, b + 1).slice(0, 0, len));
                Tensor hb = leaf(h0.slice(1, b, b + 1));
                Tensor cb = cell ? leaf(c0.slice(1, b, b + 1)) : null;
                State initial = new State(hb, cb);
                RNNBase.Output out = alone.forward(xb, initial);
                Tensor r = Fixtures.uniform(d, 100, -1, 1, all.output().shape().dims()).slice(1, b, b + 1).slice(0, 0, len);
                Tensor loss = out.output().mul(r).sum();
                long[] s = all.state().h().shape().dims();
                loss = loss.add(out.state().h().mul(Fixtures.uniform(d, 101, -1, 1, s).slice(1, b, b + 1)).sum());
                if (cell) {
                    loss = loss.add(out.state().c().mul(Fixtures.uniform(d, 102, -1, 1, s).slice(1, b, b + 1)).sum());
                }
                loss.backward();

                String seqName = what + " sequence " + b + " (length " + len + ")";
                assertNull(CLOSE.mismatches(seqName + " output", values(out.output()),
                        values(all.output().slice(1, b, b + 1).slice(0, 0, len))));
                assertNull(CLOSE.mismatches(seqName + " h_n", values(out.state().h()),
                        values(all.state().h().slice(1, b, b + 1))));
                assertNull(CLOSE.mismatches(seqName + " dx", values(xb.grad()),
                        values(all.x().grad().slice(1, b, b + 1).slice(0, 0, len))));
                assertNull(CLOSE.mismatches(seqName + " dh0", values(hb.grad()),
                        values(all.h0().grad().slice(1, b, b + 1))));
                if (cell) {
                    assertNull(CLOSE.mismatches(seqName + " c_n", values(out.state().c()),
                            values(all.state().c().slice(1, b, b + 1))));
                    assertNull(CLOSE.mismatches(seqName + " dc0", values(cb.grad()),
                            values(all.c0().grad().slice(1, b, b + 1))));
                }
                if (len < SEQ) {
                    for (double v : values(all.output().slice(1, b, b + 1).slice(0, len, SEQ))) {
                        assertEquals(0.0, v, seqName + ": padded steps output exact zeros");
                    }
                    for (double v : values(all.x().grad().slice(1, b, b + 1).slice(0, len, SEQ))) {
                        assertEquals(0.0, v, seqName + ": padded inputs get no gradient");
                    }
                }
            }
            // The batch's parameter gradients are the sums of the sequences' (accumulated over the three passes).
            Map<String, Parameter> mine = batched.namedParameters();
            alone.namedParameters().forEach((name, p) -> assertNull(CLOSE.mismatches(what + " gradient of " + name,
                    values(p.grad()), values(mine.get(name).grad()))));
        }
    }

    /** Output, final states, and the gradients of the input, the initial states and every parameter, by name. */
    private Map<String, double[]> forwardBackward(RNNBase m, Device d, int[] lengths) {
        m.to(d);
        boolean cell = hasCell(m);
        long dirs = (long) m.options().directions() * m.options().numLayers();
        long n = 5;
        long seq = 6;
        long[] xDims = m.options().batchFirst() ? new long[] {n, seq, m.inputSize()} : new long[] {seq, n, m.inputSize()};
        Tensor x = leaf(Fixtures.uniform(d, 21, -1, 1, xDims));
        Tensor h0 = leaf(Fixtures.uniform(d, 22, -0.5, 0.5, dirs, n, m.hiddenSize()));
        Tensor c0 = cell ? leaf(Fixtures.uniform(d, 23, -0.5, 0.5, dirs, n, m.hiddenSize())) : null;
        Pass p = pass(m, x, h0, c0, lengths, 200);
        Map<String, double[]> out = new LinkedHashMap<>();
        out.put("output", values(p.output()));
        out.put("h_n", values(p.state().h()));
        out.put("dx", values(x.grad()));
        out.put("dh0", values(h0.grad()));
        if (cell) {
            out.put("c_n", values(p.state().c()));
            out.put("dc0", values(c0.grad()));
        }
        m.namedParameters().forEach((name, q) -> out.put("gradient of " + name, values(q.grad())));
        return out;
    }

    @Test
    void wholeModuleForwardAndBackwardMatchTheReference() {
        assumeFalse(device().equals(Device.reference()), "compares this backend with the reference backend");
        Options options = TWO_BIDIRECTIONAL.batchFirst(true);
        int[] lengths = {6, 3, 5, 1, 6};
        List<Supplier<RNNBase>> all = new java.util.ArrayList<>(layers(7, 33, options));
        all.add(() -> new RNN(7, 33, RNN.Nonlinearity.RELU, options, new Rng(4)));
        for (Supplier<RNNBase> make : all) {
            for (int[] lens : new int[][] {null, lengths, {6, 6, 5, 3, 1}}) { // masked, then packed
                Map<String, double[]> ref = forwardBackward(make.get(), Device.reference(), lens);
                Map<String, double[]> got = forwardBackward(make.get(), device(), lens);
                String what = make.get() + (lens == null ? "" : " with lengths");
                assertTrue(ref.size() >= 10, what + ": " + ref.keySet());
                ref.forEach((k, v) -> assertNull(CLOSE.mismatches(what + " " + k, v, got.get(k))));
            }
        }
    }

    /**
     * Copy the first token to the last output: sequences of 6 tokens from 4 symbols; the class to predict at the end
     * is the first token, 5 steps back, which the LSTM must carry in its state. A fresh random batch of 32 each step,
     * Adam at lr 0.01: the cross-entropy starts near ln 4 ≈ 1.39 (a model that forgot the first token stays there)
     * and must fall below 0.02 within 150 steps.
     */
    @Test
    void lstmLearnsToCarryTheFirstTokenToTheEnd() {
        Device d = device();
        int symbols = 4;
        int steps = 6;
        int batch = 32;
        Rng init = new Rng(7);
        Embedding embed = new Embedding(symbols, 8, init);
        LSTM lstm = new LSTM(8, 24, init);
        Linear head = new Linear(24, symbols, init);
        Map<String, Parameter> params = new LinkedHashMap<>();
        for (var m : List.of(embed, lstm, head)) {
            m.to(d);
            m.namedParameters().forEach((k, v) -> params.put(m.getClass().getSimpleName() + "." + k, v));
        }
        Optimizer opt = Adam.builder(params).lr(0.01).build();
        Rng data = new Rng(8);
        double first = Double.NaN;
        double last = Double.NaN;
        for (int step = 0; step < 150; step++) {
            int[] tokens = new int[steps * batch]; // [steps, batch]
            int[] target = new int[batch];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = data.nextInt(symbols);
            }
            System.arraycopy(tokens, 0, target, 0, batch);
            try (MemoryScope scope = MemoryScope.open()) {
                Tensor out = lstm.forward(embed.forward(Tensor.ofInts(d, tokens, steps, batch))); // [steps, batch, 24]
                Tensor logits = head.forward(out.slice(0, steps - 1, steps).reshape(batch, 24));
                Tensor loss = Losses.crossEntropy(logits, Tensor.ofInts(d, target, batch));
                last = loss.item();
                first = step == 0 ? last : first;
                loss.backward();
                opt.step();
                opt.zeroGrad();
            }
        }
        assertEquals(Math.log(symbols), first, 0.2, "the first loss is about that of guessing");
        assertTrue(last < 0.02, "loss after 150 steps: " + last + " (first " + first + ")");
    }
}
