package striate.train;

import java.util.ArrayList;
import java.util.List;
import striate.data.SequenceBatch;
import striate.nn.Losses;
import striate.nn.RNNBase;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * Next-character prediction for the {@link Trainer} with truncated backpropagation through time: windows of a
 * stream, x and y [b, t] (y is x shifted by one), each row continuing the same row of the previous window
 * ({@code StreamBatches}, or {@code DocumentWindows} whose rows are a shrinking prefix of the previous window's).
 * The model reads each window from the state the previous window ended in, detached, so values carry across the
 * boundary and gradients stop at it; the state is reset to zeros before every pass (each training epoch and each
 * evaluation). The loss is the cross-entropy in nats per predicted character (padded steps, whose target is
 * {@link SequenceBatch#IGNORE_INDEX}, count for nothing), the metric bits per character; throughput in characters.
 * Each training window's bits are logged ({@link #trainingWindows}) for a curve finer than epochs. A window replayed
 * from a captured graph ({@link GraphedLanguageModelStep}) hands over its state and its loss on the device; its bits
 * are read with the trainer's next read of the sums (or before the next eager window), so the log keeps its order.
 */
public final class LanguageModeling implements Task<SequenceBatch> {

    /** A language model that carries a recurrent state. */
    @FunctionalInterface
    public interface Model {
        /**
         * Ids int32 [b, t], row r real for its first {@code lengths[r]} steps (1 to t), read from {@code state}
         * (null: zeros) → logits [b, t, vocabulary] and the state after each row's last real step.
         */
        Step forward(Tensor ids, RNNBase.State state, int[] lengths);
    }

    /** What a model gives for a window: logits [b, t, vocabulary] and the state to continue from. */
    public record Step(Tensor logits, RNNBase.State state) {
    }

    /** One training window: its pass (training epochs of this task, from 0), index in the pass, bits and characters. */
    public record Window(int pass, int index, double bits, long characters) {
    }

    private static final double LN2 = Math.log(2);

    /** A replayed window whose loss (nats per character, a device scalar) is not read yet. */
    private record Pending(int pass, int index, Tensor loss, long characters) {
    }

    private final Model model;
    private final List<Window> windows = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    private RNNBase.State carried;   // the previous window's final state, detached and kept past its memory scope
    private RNNBase.State ended;     // this window's final state, until afterBatch keeps it
    private boolean training;
    private int pass = -1;
    private int index;

    public LanguageModeling(Model model) {
        this.model = model;
    }

    @Override
    public Metric metric() {
        return Metric.BITS_PER_CHARACTER;
    }

    @Override
    public String unit() {
        return "char";
    }

    @Override
    public void beforePass(boolean training) {
        readPendingWindows();
        this.training = training;
        carried = null;
        ended = null;
        if (training) {
            pass++;
            index = 0;
        }
    }

    @Override
    public Output forward(SequenceBatch batch) {
        Step s = model.forward(batch.x(), rows(carried, batch.size()), batch.lengths());
        Tensor loss = Losses.sequenceCrossEntropy(s.logits(), batch.y());   // nats per predicted character
        int characters = batch.tokens();
        double bits = loss.item() * characters / LN2;
        ended = s.state();
        if (training) {
            readPendingWindows();
            windows.add(new Window(pass, index++, bits, characters));
        }
        return new Output(loss, bits, characters, characters);
    }

    /** Carries the window's final state into the next window: detached (no gradient crosses), kept past the scope. */
    @Override
    public void afterBatch(MemoryScope scope) {
        carried = ended.detach().keep(scope);
        ended = null;
    }

    /** The state the next window starts from (null: zeros). */
    RNNBase.State carried() {
        return carried;
    }

    /** The model, for a graphed step. */
    Model model() {
        return model;
    }

    /** Whether this is a training pass. */
    boolean training() {
        return training;
    }

    /**
     * A training window replayed from a graph ended in {@code state} (the graph's own tensors, which the next replay
     * overwrites), its mean loss {@code loss} a device scalar of this window's own (read later).
     */
    void replayedWindow(RNNBase.State state, Tensor loss, long characters) {
        ended = state;
        pending.add(new Pending(pass, index++, loss, characters));
    }

    /** Reads the bits of the replayed windows not read yet into the log. */
    void readPendingWindows() {
        for (Pending p : pending) {
            windows.add(new Window(p.pass(), p.index(), p.loss().item() * p.characters() / LN2, p.characters()));
        }
        pending.clear();
    }

    /** Every training window so far, in order. */
    public List<Window> trainingWindows() {
        readPendingWindows();
        return List.copyOf(windows);
    }

    /** The first {@code b} rows of {@code state} [layers, rows, hidden]: the rows that continue into this window. */
    private static RNNBase.State rows(RNNBase.State state, int b) {
        if (state == null || state.h().dim(1) == b) {
            return state;
        }
        if (state.h().dim(1) < b) {
            throw new IllegalArgumentException("a window of " + b + " rows follows one of " + state.h().dim(1)
                    + "; each window's rows must continue the first rows of the window before it");
        }
        Tensor h = state.h().slice(1, 0, b).contiguous();
        return new RNNBase.State(h, state.c() == null ? null : state.c().slice(1, 0, b).contiguous());
    }
}
