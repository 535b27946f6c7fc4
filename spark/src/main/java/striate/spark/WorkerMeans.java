package striate.spark;

import java.util.List;
import striate.parallel.GradientExchange;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * Values of the workers' own averaged over the workers through the run's gradient exchange, between steps, with a
 * bucket number of the caller's that no gradient uses (−1: the epoch scores, −2: a mid-epoch checkpoint's sums).
 * Every worker must call it at the same point with as many values.
 */
final class WorkerMeans {
    private WorkerMeans() {
    }

    /** The mean over the workers of each of {@code values}, in float64, on {@code device}; the same on every worker. */
    static double[] of(GradientExchange exchange, Device device, int bucket, double... values) {
        Tensor buffer = Tensor.of(device, DType.F64, values, values.length);
        exchange.allReduce(bucket, List.of(buffer));
        exchange.finish();
        return buffer.toDoubleArray();
    }
}
