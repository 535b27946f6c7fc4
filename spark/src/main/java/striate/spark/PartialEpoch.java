package striate.spark;

import java.util.Map;
import striate.parallel.GradientExchange;
import striate.tensor.Device;
import striate.train.Checkpoint;

/**
 * The job's running sums over the steps of an unfinished epoch, which a mid-epoch checkpoint keeps so that a stage
 * resumed from it records the whole epoch in its history, not only the steps it ran: the sum over the workers of
 * their per-step mean training losses, their right answers, the epoch's steps so far (each worker ran that many) and
 * the seconds they took (the workers' mean).
 */
record PartialEpoch(double lossSum, double correct, long steps, double seconds) {
    /** Nothing carried: a fresh epoch. */
    static final PartialEpoch NONE = new PartialEpoch(0, 0, 0, 0);
    /** The bucket of the sums' all-reduce: neither a gradient's (0, 1, ...) nor the epoch scores' (−1). */
    private static final int BUCKET = -2;
    private static final String LOSS_SUM = "epoch_loss_sum";
    private static final String CORRECT = "epoch_correct";
    private static final String STEPS = "epoch_steps";
    private static final String SECONDS = "epoch_seconds";

    /**
     * The job's sums, from this worker's ({@code lossSum} of its per-step losses, {@code correct}, over
     * {@code steps} steps in {@code seconds}) and the others', through one all-reduce of {@code exchange} in which
     * every worker takes part at the same step.
     */
    static PartialEpoch exchanged(GradientExchange exchange, Device device, int workers, double lossSum,
                                  double correct, long steps, double seconds) {
        double[] mean = WorkerMeans.of(exchange, device, BUCKET, lossSum, correct, seconds);
        return new PartialEpoch(mean[0] * workers, Math.round(mean[1] * workers), steps, mean[2]);
    }

    /**
     * What {@code c}, written at a step of an epoch of {@code stepsPerEpoch} steps, carries into that epoch: NONE at
     * an epoch's end, or from a checkpoint without the sums (written before they were kept, 2026-12-06).
     */
    static PartialEpoch of(Checkpoint c, int stepsPerEpoch) {
        Map<String, Number> s = c.optimizerScalars();
        long into = c.globalStep() % stepsPerEpoch;
        if (into == 0 || !s.containsKey(STEPS)) {
            return NONE;
        }
        if (s.get(STEPS).longValue() != into) {
            throw new IllegalArgumentException("the checkpoint at step " + c.globalStep() + " records "
                    + s.get(STEPS) + " steps of its epoch, but epochs of " + stepsPerEpoch + " steps put it " + into
                    + " steps in; it was not written by this run's options");
        }
        return new PartialEpoch(s.get(LOSS_SUM).doubleValue(), s.get(CORRECT).doubleValue(), into,
                s.get(SECONDS).doubleValue());
    }

    /** Adds the sums to a checkpoint's scalars. */
    void into(Map<String, Number> scalars) {
        scalars.put(LOSS_SUM, lossSum);
        scalars.put(CORRECT, correct);
        scalars.put(STEPS, steps);
        scalars.put(SECONDS, seconds);
    }
}
