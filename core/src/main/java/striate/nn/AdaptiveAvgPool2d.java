package striate.nn;

import java.util.HashMap;
import java.util.Map;
import striate.autograd.Autocast;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * 2-D adaptive average pooling, PyTorch's AdaptiveAvgPool2d: x [n, c, h, w] → y [n, c, outH, outW] whatever h and w,
 * output cell (i, j) the mean of rows ⌊i·h/outH⌋ … ⌈(i + 1)·h/outH⌉ − 1 and the columns alike (windows may overlap).
 * As two products with averaging matrices [outW, w] and [outH, h] (a linear map, so autograd differentiates it), in
 * float32 or float64 whatever the input's type (a 2-byte matrix would round 1/3 to 0.4%), the result in the input's
 * type. The matrices are made on first use for each input size and device and kept: take one eager step before a
 * graph capture.
 */
public final class AdaptiveAvgPool2d extends Module {
    private final int outH;
    private final int outW;
    private final Map<MatrixKey, Tensor> averaging = new HashMap<>(); // → [out, in]

    /** Which averaging matrix: from {@code in} positions to {@code out}, on a device, in a type. */
    private record MatrixKey(long in, int out, Device device, DType dtype) {
    }

    public AdaptiveAvgPool2d(int outH, int outW) {
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("AdaptiveAvgPool2d: output size must be >= 1, got " + outH + "×" + outW);
        }
        this.outH = outH;
        this.outW = outW;
    }

    /** A square output, size × size ({@code AdaptiveAvgPool2d(1)} is global average pooling). */
    public AdaptiveAvgPool2d(int size) {
        this(size, size);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() != 4) {
            throw new ShapeMismatchException(toString(), "input of shape " + x.shape(), "[n, c, h, w]");
        }
        long n = x.dim(0);
        long c = x.dim(1);
        long h = x.dim(2);
        long w = x.dim(3);
        DType exact = x.dtype() == DType.F64 ? DType.F64 : DType.F32;
        try (Autocast.Scope off = Autocast.disable()) {
            Tensor xs = x.to(exact);
            Tensor rows = xs.reshape(n * c * h, w).matmul(matrix(w, outW, x.device(), exact), false, true); // [n·c·h, outW]
            Tensor cols = rows.reshape(n * c, h, outW).permute(0, 2, 1).reshape(n * c * outW, h)
                    .matmul(matrix(h, outH, x.device(), exact), false, true); // [n·c·outW, outH]
            return cols.reshape(n, c, outW, outH).permute(0, 1, 3, 2).to(x.dtype()); // [n, c, outH, outW]
        }
    }

    /** The [out, in] matrix whose row i averages input positions ⌊i·in/out⌋ … ⌈(i + 1)·in/out⌉ − 1. */
    private Tensor matrix(long in, int out, Device device, DType dtype) {
        return averaging.computeIfAbsent(new MatrixKey(in, out, device, dtype), k -> {
            double[] a = new double[Math.toIntExact(out * in)];
            for (int i = 0; i < out; i++) {
                long start = Math.floorDiv(i * in, out);
                long end = -Math.floorDiv(-(i + 1) * in, out); // ceil
                for (long j = start; j < end; j++) {
                    a[Math.toIntExact(i * in + j)] = 1.0 / (end - start);
                }
            }
            return MemoryScope.outside(() -> Tensor.of(device, dtype, a, out, in));
        });
    }

    @Override
    public String toString() {
        return "AdaptiveAvgPool2d(output_size=" + Conv2d.pair(outH, outW) + ")";
    }
}
