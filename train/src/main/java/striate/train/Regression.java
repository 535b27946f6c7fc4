package striate.train;

import striate.nn.Losses;
import striate.nn.Module;
import striate.tensor.Tensor;

/**
 * Regression for the {@link Trainer}: inputs x [n, ...] → predictions [n, k] against targets y [n, k], the mean
 * squared error as both loss and metric (over the n·k values), throughput in examples. The adding problem is one:
 * sequences x [n, T, 2] → a sum [n, 1].
 */
public final class Regression implements Task<Regression.Batch> {

    /** Inputs x [n, ...] float32 and targets y [n, k] float32. */
    public record Batch(Tensor x, Tensor y) {
        public Batch {
            if (x.rank() < 1 || y.rank() != 2 || x.dim(0) != y.dim(0)) {
                throw new IllegalArgumentException("a regression batch needs x [n, ...] and y [n, k] with the same n, "
                        + "got " + x.shape() + " and " + y.shape());
            }
        }

        /** Examples in the batch. */
        public int size() {
            return Math.toIntExact(y.dim(0));
        }
    }

    private final Module model;

    /** The task of {@code model}, which maps x [n, ...] to predictions shaped as y. */
    public Regression(Module model) {
        this.model = model;
    }

    @Override
    public Metric metric() {
        return Metric.MSE;
    }

    @Override
    public String unit() {
        return "seq";
    }

    @Override
    public Output forward(Batch batch) {
        Tensor predicted = model.forward(batch.x());                    // [n, k]
        Tensor loss = Losses.mse(predicted, batch.y());                 // mean over the n·k values
        long values = batch.y().size();
        return new Output(loss, loss.item() * values, values, batch.size());
    }
}
