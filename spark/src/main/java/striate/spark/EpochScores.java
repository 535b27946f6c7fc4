package striate.spark;

import java.io.Serializable;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import striate.data.Dataset;
import striate.nn.Module;
import striate.parallel.GradientExchange;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.train.Evaluation;

/**
 * The whole job's epoch, the workers' values averaged: the mean training loss and accuracy of the epoch's steps (each
 * worker's own batches, as trained), and the weights at its end scored on the test images, each worker scoring its
 * slice of them. {@code test} is null without test images, or when {@code unscored} workers (more than 0) failed to
 * score their slices; the epoch's training is kept either way, and each such worker logs why.
 */
public record EpochScores(double trainLoss, double trainAccuracy, Worker.Test test, int unscored)
        implements Serializable {
    /** The bucket of the scores' all-reduce: not one of the gradients' (0, 1, ...). */
    private static final int BUCKET = -1;
    private static final Logger log = LoggerFactory.getLogger(EpochScores.class);

    /**
     * The job's scores: this worker scores {@code model} on {@code slice}, its share of the test images (none when
     * null), and every worker's counts and {@code train} values (its mean training loss, right answers, examples) are
     * averaged across the workers by one all-reduce of {@code exchange}, in which every worker takes part.
     */
    static EpochScores exchanged(Module model, Dataset slice, Options o, int rank, Device device,
                                 GradientExchange exchange, double[] train) {
        // [mean training loss, right, examples, test right, test loss sum, test images, failed to score]
        double[] values = {train[0], train[1], train[2], 0, 0, 0, 0};
        if (slice != null && slice.size() > 0) {
            try {
                Evaluation e = Evaluation.of(model, slice, device, Evaluation.batchSizeFor(slice, o.batchSize()));
                values[3] = e.correct();
                values[4] = e.loss() * slice.size();
                values[5] = slice.size();
            } catch (RuntimeException e) { // the epoch's training is kept: the others must still join the all-reduce
                log.warn("worker {}: scoring its {} test images failed; the epoch's test score is left out", rank,
                        slice.size(), e);
                values[6] = 1;
            }
        }
        Tensor buffer = Tensor.of(device, DType.F64, values, values.length);
        exchange.allReduce(BUCKET, List.of(buffer)); // the mean over the workers, in float64
        exchange.finish();
        double[] mean = buffer.toDoubleArray();
        int n = o.workers();
        long[] sums = new long[mean.length]; // the counts, exact again
        for (int i = 1; i < mean.length; i++) {
            sums[i] = Math.round(mean[i] * n);
        }
        double trainAccuracy = sums[2] > 0 ? (double) sums[1] / sums[2] : Double.NaN;
        Worker.Test scored = slice == null || sums[6] > 0 ? null : new Worker.Test((double) sums[3] / sums[5],
                mean[4] / mean[5], (int) sums[5]);
        return new EpochScores(mean[0], trainAccuracy, scored, (int) sums[6]);
    }
}
