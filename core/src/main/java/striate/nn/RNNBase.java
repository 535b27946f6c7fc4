package striate.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import striate.tensor.DType;
import striate.tensor.MemoryScope;
import striate.tensor.Rng;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * What the multi-layer recurrent layers share (PyTorch's RNNBase): options, parameters, the walk over layers,
 * directions and time steps, initial and final states and variable lengths. {@link RNN}, {@link LSTM} and {@link GRU}
 * each give their gate count and one step.
 *
 * <p>Shapes: x [seq, batch, inputSize] ([batch, seq, inputSize] with batchFirst) → output [seq, batch, dirs·hidden]
 * (batch-first likewise) and the final state h_n [layers·dirs, batch, hidden] (and c_n for LSTM), row layer·dirs + dir,
 * never batch-first; the initial state has the final state's shape, zeros when not given. Parameters, named and shaped
 * as in PyTorch, for layer l and each direction (suffix "_reverse" for the backward one), registered in PyTorch's
 * order: weight_ih_l{l} [gates·hidden, in], weight_hh_l{l} [gates·hidden, hidden], bias_ih_l{l} and bias_hh_l{l}
 * [gates·hidden], all U(±1/√hidden); in = inputSize for layer 0, dirs·hidden above. Dropout, in training only, acts on
 * each layer's output except the last one's.
 *
 * <p>Kernel layout: the input projection of all time steps of a layer's direction is one GEMM,
 * x [seq·batch, in] · W_ihᵀ. Over full-length sequences LSTM and GRU then run the whole direction as one fused op
 * ({@link striate.op.LstmLayerOp}, {@link striate.op.GruLayerOp}): per step one product h·W_hhᵀ into the gates' own
 * memory and the fused cell, the activations saved for backpropagation through time, which is one fused op too
 * (W_hh's gradient over all steps is one product). The simple RNN, and LSTM and GRU over variable lengths, go step by
 * step: each step adds its h·W_hhᵀ (none from a zero initial state) to its rows of the projection (with
 * {@link #projectionBias}), a slice view, and runs the cell; autograd joins the slices' gradients with one
 * concatenation, and W_hh's over all steps with one product; the steps are joined with {@link Tensor#stack}.
 *
 * <p>Variable lengths: given each sequence's length, a step at or past it leaves that sequence's state as it was
 * (h, c = where(step < length, new, old)) and outputs zeros there, as PyTorch's pad_packed_sequence does; so the
 * forward direction ends at each sequence's last step, the reverse direction starts there, and padded steps add
 * nothing to outputs, states or gradients. Steps past the longest sequence are not computed (their output is zero).
 * A batch sorted by length, longest first (what PyTorch's pack_padded_sequence asks with enforce_sorted), takes the
 * packed form instead: at step t only the rows of the sequences still running, a prefix of the batch, go through the
 * products and the cell, and the others keep their state, so padding costs no work.
 */
public abstract sealed class RNNBase extends Module permits RNN, LSTM, GRU {
    /**
     * PyTorch's keyword arguments: numLayers (stacked layers), bias (b_ih and b_hh), batchFirst (x and output are
     * [batch, seq, ...]), dropout (probability between layers, in training) and bidirectional.
     */
    public record Options(int numLayers, boolean bias, boolean batchFirst, double dropout, boolean bidirectional) {
        public Options {
            if (numLayers < 1) {
                throw new IllegalArgumentException("recurrent layer: numLayers must be >= 1, got " + numLayers);
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("recurrent layer: dropout must be in [0, 1), got " + dropout);
            }
        }

        /** PyTorch's defaults: one layer, with biases, [seq, batch, ...], no dropout, one direction. */
        public static Options defaults() {
            return new Options(1, true, false, 0, false);
        }

        public Options numLayers(int value) {
            return new Options(value, bias, batchFirst, dropout, bidirectional);
        }

        public Options bias(boolean value) {
            return new Options(numLayers, value, batchFirst, dropout, bidirectional);
        }

        public Options batchFirst(boolean value) {
            return new Options(numLayers, bias, value, dropout, bidirectional);
        }

        public Options dropout(double value) {
            return new Options(numLayers, bias, batchFirst, value, bidirectional);
        }

        public Options bidirectional(boolean value) {
            return new Options(numLayers, bias, batchFirst, dropout, value);
        }

        /** 2 when bidirectional, else 1. */
        public int directions() {
            return bidirectional ? 2 : 1;
        }
    }

    /** A recurrent state: h [layers·dirs, batch, hidden] and, for LSTM, the cell state c of that shape (else null). */
    public record State(Tensor h, Tensor c) {
        /** The state of an RNN or a GRU: h alone. */
        public static State of(Tensor h) {
            return new State(h, null);
        }

        /**
         * The same values cut off from the autograd graph: the state to carry into the next chunk of a long stream
         * (truncated backpropagation through time), whose gradient then stops at the chunk's boundary.
         */
        public State detach() {
            return new State(h.detach(), c == null ? null : c.detach());
        }

        /** Lets this state's memory outlive {@code scope} (a training step's), to carry it into the next step. */
        public State keep(MemoryScope scope) {
            scope.keep(h);
            if (c != null) {
                scope.keep(c);
            }
            return this;
        }
    }

    /** What a forward pass gives: the output [seq, batch, dirs·hidden] (or batch-first) and the final state. */
    public record Output(Tensor output, State state) {
    }

    /**
     * One direction's state during the walk: h [n, hidden] and, for LSTM, c [n, hidden]; {@code zero} for the zero
     * initial state, whose h·W_hhᵀ the first step skips (it is zero, and h needs no gradient).
     */
    record Carry(Tensor h, Tensor c, boolean zero) {
        Carry(Tensor h, Tensor c) {
            this(h, c, false);
        }

        /** Rows [from, to) of the state [n, h]. */
        Carry rows(long from, long to) {
            return new Carry(h.slice(0, from, to), c == null ? null : c.slice(0, from, to), zero);
        }

        /** This state with its first rows replaced by {@code first} [a, h]: rows [a, n) keep their values. */
        Carry withRows(Carry first, long a) {
            long n = h.dim(0);
            return new Carry(Tensor.cat(0, first.h(), h.slice(0, a, n)),
                    c == null ? null : Tensor.cat(0, first.c(), c.slice(0, a, n)));
        }

        /** h·W_hhᵀ [n, G·hidden], or null for the zero state. */
        Tensor hidden(Weights w) {
            return zero ? null : h.matmul(w.whh(), false, true);
        }
    }

    /** One layer direction's weights: wih [G·h, in], whh [G·h, h], bih and bhh [G·h] (null without biases). */
    record Weights(Tensor wih, Tensor whh, Tensor bih, Tensor bhh) {
    }

    private final long inputSize;
    private final long hiddenSize;
    private final Options options;
    private final Rng rng;

    RNNBase(int gates, long inputSize, long hiddenSize, Options options, Rng rng) {
        if (inputSize < 1 || hiddenSize < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": inputSize and hiddenSize must be >= 1, got "
                    + inputSize + " and " + hiddenSize);
        }
        Objects.requireNonNull(rng, getClass().getSimpleName() + ": rng (the source of initial weights)");
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.options = Objects.requireNonNull(options, getClass().getSimpleName() + ": options");
        double bound = 1 / Math.sqrt(hiddenSize);
        long rows = gates * hiddenSize;
        for (int l = 0; l < options.numLayers(); l++) {
            long in = l == 0 ? inputSize : options.directions() * hiddenSize;
            for (int d = 0; d < options.directions(); d++) {
                String suffix = "_l" + l + (d == 1 ? "_reverse" : "");
                registerParameter("weight_ih" + suffix, Init.uniform(rng, bound, rows, in));
                registerParameter("weight_hh" + suffix, Init.uniform(rng, bound, rows, hiddenSize));
                if (options.bias()) {
                    registerParameter("bias_ih" + suffix, Init.uniform(rng, bound, rows));
                    registerParameter("bias_hh" + suffix, Init.uniform(rng, bound, rows));
                }
            }
        }
        this.rng = options.dropout() > 0 ? registerRng("rng", rng) : null;
    }

    public long inputSize() {
        return inputSize;
    }

    public long hiddenSize() {
        return hiddenSize;
    }

    public Options options() {
        return options;
    }

    /** The output of a pass from zero states over full-length sequences. */
    @Override
    public Tensor forward(Tensor x) {
        return forward(x, null).output();
    }

    /** A pass from {@code state} (null: zeros) over full-length sequences. */
    public Output forward(Tensor x, State state) {
        return run(x, state, null, weights());
    }

    /**
     * A pass over a padded batch whose sequence b has {@code lengths[b]} steps, 1 to seq (steps past it are padding and
     * change nothing); from {@code state} (null: zeros).
     */
    public Output forward(Tensor x, State state, int[] lengths) {
        return run(x, state, Objects.requireNonNull(lengths, name() + ": lengths"), weights());
    }

    /** As {@link #forward(Tensor, State, int[])} with the lengths in an int32 tensor [batch] (read once, to the host). */
    public Output forward(Tensor x, State state, Tensor lengths) {
        if (lengths.dtype() != DType.I32 || lengths.rank() != 1) {
            throw new IllegalArgumentException(name() + ": lengths must be an int32 tensor [batch], got "
                    + lengths.dtype() + " " + lengths.shape());
        }
        return forward(x, state, lengths.toIntArray());
    }

    /** The bias added to the whole input projection: b_ih + b_hh where the cell adds both to its gates. */
    abstract Tensor projectionBias(Weights w);

    /**
     * One step: xg [n, G·h] is this step's rows of the input projection (with {@link #projectionBias}); the hidden
     * product is {@link Carry#hidden}.
     */
    abstract Carry step(Tensor xg, Carry s, Weights w);

    /** True for LSTM: the state has a cell c. */
    abstract boolean hasCell();

    /** Every parameter's current value, in registration order. */
    private List<Tensor> weights() {
        return parameters().stream().map(Parameter::value).toList();
    }

    /**
     * The forward pass with these weights in place of the parameters (in registration order): the one code path,
     * which gradient checks also run on float64 copies. {@code lengths} null: every sequence is full length.
     */
    Output run(Tensor x, State state, int[] lengths, List<Tensor> weights) {
        if (x.rank() != 3 || x.dim(2) != inputSize) {
            throw new ShapeMismatchException(name(), "input of shape " + x.shape(), options.batchFirst()
                    ? "[batch, seq, " + inputSize + "]" : "[seq, batch, " + inputSize + "]");
        }
        Tensor input = options.batchFirst() ? x.transpose(0, 1) : x; // [seq, n, in]
        long seq = input.dim(0);
        long n = input.dim(1);
        if (seq < 1 || n < 1) {
            throw new IllegalArgumentException(name() + ": the input " + x.shape() + " has " + (seq < 1 ? "no time steps"
                    : "no sequences") + " (" + (options.batchFirst() ? "[batch, seq, features]" : "[seq, batch, "
                    + "features]") + ")");
        }
        int dirs = options.directions();
        checkState(state, x, n);
        SequenceLengths lens = lengths == null ? null : SequenceLengths.of(name(), lengths, seq, n);
        long steps = lens == null ? seq : lens.longest();
        boolean ragged = lens != null && !lens.allEqual(steps);
        int[] live = ragged ? lens.liveRows(steps) : null; // rows running at each step, for a batch longest first
        Tensor mask = ragged && live == null ? lens.mask(steps, x.device(), x.dtype()) : null; // [steps, n, 1]
        if (steps < seq) {
            input = input.slice(0, 0, steps);
        }
        List<Tensor> hn = new ArrayList<>();
        List<Tensor> cn = new ArrayList<>();
        int perDirection = options.bias() ? 4 : 2;
        for (int l = 0; l < options.numLayers(); l++) {
            Tensor flat = input.reshape(steps * n, input.dim(2)); // [steps·n, in]
            Tensor[] outs = new Tensor[dirs];
            for (int d = 0; d < dirs; d++) {
                int k = l * dirs + d;
                int at = k * perDirection;
                Weights w = new Weights(weights.get(at), weights.get(at + 1),
                        options.bias() ? weights.get(at + 2) : null, options.bias() ? weights.get(at + 3) : null);
                Carry s = initial(state, k, n, x);
                Walk walk = mask == null && live == null ? layer(flat, w, s, d == 1, n)
                        : direction(flat, w, s, mask, live, d == 1, n, Math.toIntExact(steps));
                outs[d] = walk.output(); // [steps, n, h]
                hn.add(walk.last().h());
                cn.add(walk.last().c());
            }
            input = dirs == 1 ? outs[0] : Tensor.cat(2, outs); // [steps, n, dirs·h]
            if (l < options.numLayers() - 1 && isTraining() && options.dropout() > 0) {
                input = Functional.dropout(input, options.dropout(), true, rng.nextLong());
            }
        }
        Tensor output = input;
        if (steps < seq) {
            output = output.pad(new long[] {0, 0, 0}, new long[] {seq - steps, 0, 0}); // [seq, n, dirs·h]
        }
        if (options.batchFirst()) {
            output = output.transpose(0, 1);
        }
        Tensor h = Tensor.stack(0, hn.toArray(Tensor[]::new)); // [layers·dirs, n, h]
        Tensor c = hasCell() ? Tensor.stack(0, cn.toArray(Tensor[]::new)) : null;
        return new Output(output, new State(h, c));
    }

    /** One layer direction's walk: its output [steps, n, h] and its last state. */
    record Walk(Tensor output, Carry last) {
    }

    /**
     * One direction over full-length sequences (flat [steps·n, in]) from {@code s}: step by step here; LSTM and GRU
     * run the whole walk as one fused op.
     */
    Walk layer(Tensor flat, Weights w, Carry s, boolean reverse, long n) {
        return direction(flat, w, s, null, null, reverse, n, Math.toIntExact(flat.dim(0) / n));
    }

    /**
     * Walks one direction's steps from {@code s}, one op (or a few) per step. With {@code live}, step t runs rows
     * [0, live[t]) only; with {@code mask}, every row and the mask keeps the finished ones; with neither, every row.
     */
    private Walk direction(Tensor flat, Weights w, Carry s, Tensor mask, int[] live, boolean reverse, long n,
                           int steps) {
        Tensor proj = flat.matmul(w.wih(), false, true); // [steps·n, G·h], every step in one GEMM
        Tensor bias = projectionBias(w);
        if (bias != null) {
            proj = proj.add(bias);
        }
        Tensor[] out = new Tensor[steps];
        Tensor zero = mask == null ? null : proj.scalarLike(0);
        for (int i = 0; i < steps; i++) {
            int t = reverse ? steps - 1 - i : i;
            if (live != null && live[t] < n) {
                int a = live[t];
                Carry next = step(proj.slice(0, t * n, t * n + a), s.rows(0, a), w); // [a, G·h] → [a, h]
                out[t] = next.h().pad(new long[] {0, 0}, new long[] {n - a, 0}); // [n, h], zeros past the live rows
                s = s.withRows(next, a);
                continue;
            }
            Tensor xg = proj.slice(0, t * n, (t + 1) * n); // [n, G·h]
            Carry next = step(xg, s, w);
            if (mask == null) {
                out[t] = next.h();
                s = next;
                continue;
            }
            Tensor m = mask.slice(0, t, t + 1).reshape(n, 1); // [n, 1]: 1 while t < length
            out[t] = Tensor.where(m, next.h(), zero);
            s = new Carry(Tensor.where(m, next.h(), s.h()), s.c() == null ? null : Tensor.where(m, next.c(), s.c()));
        }
        return new Walk(Tensor.stack(0, out), s);
    }

    /**
     * The walk of a fused layer op whose output y starts with H [steps, n, h] and, for LSTM, has C [steps, n, h] right
     * after it: H as the output, and the last step's h (and c) as the final state.
     */
    static Walk fusedWalk(Tensor y, long steps, long n, long h, boolean reverse, boolean cell) {
        long size = steps * n * h;
        long last = (reverse ? 0 : steps - 1) * n * h;
        Tensor c = cell ? y.slice(0, size + last, size + last + n * h).reshape(n, h) : null;
        return new Walk(y.slice(0, 0, size).reshape(steps, n, h),
                new Carry(y.slice(0, last, last + n * h).reshape(n, h), c));
    }

    /** Layer direction k's initial state: rows k of the given state, or zeros. */
    private Carry initial(State state, int k, long n, Tensor x) {
        if (state == null) {
            Tensor zeros = Tensor.zeros(x.device(), x.dtype(), n, hiddenSize);
            return new Carry(zeros, hasCell() ? zeros : null, true);
        }
        Tensor h = state.h().slice(0, k, k + 1).reshape(n, hiddenSize); // [n, h]
        Tensor c = hasCell() ? state.c().slice(0, k, k + 1).reshape(n, hiddenSize) : null;
        return new Carry(h, c);
    }

    private void checkState(State state, Tensor x, long n) {
        if (state == null) {
            return;
        }
        String expected = "[" + options.numLayers() * options.directions() + ", " + n + ", " + hiddenSize + "]";
        if (hasCell() && state.c() == null) {
            throw new IllegalArgumentException(name() + ": the initial state needs c (the cell state) as well as h, each "
                    + expected);
        }
        if (!hasCell() && state.c() != null) {
            throw new IllegalArgumentException(name() + ": the initial state has a cell state c, which only LSTM has;"
                    + " pass State.of(h)");
        }
        for (Tensor t : hasCell() ? new Tensor[] {state.h(), state.c()} : new Tensor[] {state.h()}) {
            String what = t == state.h() ? "h" : "c";
            if (t.rank() != 3 || t.dim(0) != options.numLayers() * options.directions() || t.dim(1) != n
                    || t.dim(2) != hiddenSize) {
                throw new ShapeMismatchException(name(), "initial " + what + " of shape " + t.shape(), expected
                        + " ([layers·directions, batch, hidden])");
            }
            if (t.dtype() != x.dtype()) {
                throw new IllegalArgumentException(name() + ": initial " + what + " is " + t.dtype() + " but the input is "
                        + x.dtype() + "; convert it with to(DType." + x.dtype().name() + ")");
            }
        }
    }

    private String name() {
        return getClass().getSimpleName();
    }

    /** PyTorch's repr: sizes, then each option that differs from its default. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(name()).append('(').append(inputSize).append(", ").append(hiddenSize);
        if (options.numLayers() != 1) {
            sb.append(", num_layers=").append(options.numLayers());
        }
        sb.append(extraRepr());
        if (!options.bias()) {
            sb.append(", bias=false");
        }
        if (options.batchFirst()) {
            sb.append(", batch_first=true");
        }
        if (options.dropout() != 0) {
            sb.append(", dropout=").append(options.dropout());
        }
        if (options.bidirectional()) {
            sb.append(", bidirectional=true");
        }
        return sb.append(')').toString();
    }

    /** What a subclass adds to the description (RNN's nonlinearity). */
    String extraRepr() {
        return "";
    }
}
