package striate.train;

import striate.autograd.GradMode;
import striate.nn.Module;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * A module's outputs for many input rows, in batches: the module in evaluation mode (batch norm with its running
 * statistics, no dropout), gradients off, each batch's temporaries freed with a {@link MemoryScope}, and the outputs
 * copied into one flat float array on the host, rows in order. The module goes back to training mode afterwards.
 */
public final class BatchedInference {
    /** The output of input rows [start, end): a tensor whose first dimension is end − start. */
    @FunctionalInterface
    public interface Rows {
        Tensor apply(int start, int end);
    }

    private BatchedInference() {
    }

    /** The outputs of rows 0..n−1 through {@code f}, {@code batch} rows at a time, with {@code module} in eval mode. */
    public static float[] run(Module module, int n, int batch, Rows f) {
        if (batch < 1) {
            throw new IllegalArgumentException("a batch needs at least 1 row, got " + batch);
        }
        float[] out = n == 0 ? new float[0] : null;
        module.eval();
        try (GradMode.Scope off = GradMode.off()) {
            for (int start = 0; start < n; start += batch) {
                int end = Math.min(n, start + batch);
                try (MemoryScope scope = MemoryScope.open()) {
                    float[] y = f.apply(start, end).contiguous().toFloatArray();
                    int perRow = y.length / (end - start);
                    if (out == null) {
                        out = new float[perRow * n];
                    }
                    System.arraycopy(y, 0, out, start * perRow, y.length);
                }
            }
        } finally {
            module.train();
        }
        return out;
    }
}
