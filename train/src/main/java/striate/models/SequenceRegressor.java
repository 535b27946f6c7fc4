package striate.models;

import java.util.Locale;
import striate.nn.GRU;
import striate.nn.LSTM;
import striate.nn.Linear;
import striate.nn.Module;
import striate.nn.RNN;
import striate.nn.RNNBase;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * A many-to-one recurrent regressor, the model of benchmarks/pytorch/adding_problem.py: sequences x [n, T, inputs]
 * → one recurrent layer (a simple tanh RNN, an LSTM or a GRU, batch-first) → its state after the last step
 * [n, hidden] → Linear(hidden, 1) → [n, 1]. On the adding problem the three cells differ only in how well a gradient
 * travels back through T steps. Parameters are named as the peer's ({@code rnn.weight_hh_l0}, {@code out.weight}).
 */
public final class SequenceRegressor extends Module {
    /** The model name in checkpoints. */
    public static final String NAME = "sequence-regressor";

    /** The recurrent cell: PyTorch's nn.RNN (tanh), nn.LSTM or nn.GRU. */
    public enum Cell {
        RNN, LSTM, GRU;

        /** The cell named "rnn", "lstm" or "gru" (any case). */
        public static Cell of(String name) {
            for (Cell c : values()) {
                if (c.name().equalsIgnoreCase(name.trim())) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown cell '" + name + "'; cells: rnn, lstm, gru");
        }

        /** The name in lower case, as on the command line. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Cell cell;
    private final RNNBase rnn;
    private final Linear out;

    /** A regressor of sequences of {@code inputs} channels with {@code hidden} units, initialized from {@code seed}. */
    public SequenceRegressor(Cell cell, int inputs, int hidden, long seed) {
        this.cell = cell;
        Rng rng = new Rng(seed);
        RNNBase.Options o = RNNBase.Options.defaults().batchFirst(true);
        rnn = registerModule("rnn", switch (cell) {
            case RNN -> new RNN(inputs, hidden, RNN.Nonlinearity.TANH, o, rng);
            case LSTM -> new LSTM(inputs, hidden, o, rng);
            case GRU -> new GRU(inputs, hidden, o, rng);
        });
        out = registerModule("out", new Linear(hidden, 1, rng));
    }

    public Cell cell() {
        return cell;
    }

    /** x [n, T, inputs] → predictions [n, 1] from the state after step T. */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 3) {
            throw new IllegalArgumentException("SequenceRegressor: x must be [n, steps, inputs], got " + x.shape());
        }
        Tensor h = rnn.forward(x, null).state().h();                       // [1, n, hidden]
        return out.forward(h.reshape(x.dim(0), rnn.hiddenSize()));        // [n, 1]
    }

    @Override
    public String toString() {
        return "SequenceRegressor(" + cell.label() + ", " + rnn + ")";
    }
}
