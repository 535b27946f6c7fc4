package striate.spark;

import java.io.Serializable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import striate.data.Dataset;
import striate.nn.Module;
import striate.parallel.GradientExchange;
import striate.tensor.Device;
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
        double[] mean = WorkerMeans.of(exchange, device, BUCKET, values);
        int n = o.workers();
        long right = Math.round(mean[1] * n); // the counts, exact again
        long examples = Math.round(mean[2] * n);
        long testRight = Math.round(mean[3] * n);
        long images = Math.round(mean[5] * n);
        int failed = (int) Math.round(mean[6] * n);
        double trainAccuracy = examples > 0 ? (double) right / examples : Double.NaN;
        Worker.Test scored = slice == null || failed > 0 ? null : new Worker.Test((double) testRight / images,
                mean[4] / mean[5], (int) images);
        return new EpochScores(mean[0], trainAccuracy, scored, failed);
    }
}
