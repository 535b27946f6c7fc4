package striate.testing;

import static java.util.Map.entry;

import java.util.Map;
import striate.op.AdamUpdateOp;
import striate.op.BatchNormBackwardOp;
import striate.op.BatchNormOp;
import striate.op.CastOp;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.CrossEntropyBackwardOp;
import striate.op.CrossEntropyOp;
import striate.op.GruLayerBackwardOp;
import striate.op.GruLayerOp;
import striate.op.LogSoftmaxOp;
import striate.op.LstmLayerBackwardOp;
import striate.op.LstmLayerOp;
import striate.op.MatMulOp;
import striate.op.Op;
import striate.op.ReduceOp;
import striate.op.SoftmaxOp;
import striate.tensor.DType;
import striate.tensor.Tensor;

/**
 * How close a backend's result must be to the reference's, element by element:
 * {@code |got − ref| ≤ atol + rtol·|ref|}. One table holds (atol, rtol) per op class and dtype; ops not in it
 * get their dtype's default. NaN matches only NaN and an infinity only the same infinity; int32 is exact.
 * A failure message lists the first mismatches as {@code index ref got} (row-major index).
 */
public record Tolerance(double atol, double rtol) {
    /** Bit-for-bit after widening to double. */
    public static final Tolerance EXACT = new Tolerance(0, 0);

    /** How many mismatches a failure message lists. */
    public static final int SHOWN = 10;

    // bfloat16 and float16 results are rounded once to 8 and 11 significant bits: a backend computing in float32 and
    // the reference computing in double may land on the two sides of a rounding boundary, one unit in the last place
    // apart (2^-7 and 2^-10 of the value at most).
    private static final Map<DType, Tolerance> DEFAULTS = Map.of(
            DType.F32, new Tolerance(1e-6, 1e-5),
            DType.F64, new Tolerance(1e-12, 1e-10),
            DType.I32, EXACT,
            DType.BF16, new Tolerance(1e-6, 0x1p-7),
            DType.F16, new Tolerance(1e-6, 0x1p-10));

    // Long float32 sums (K up to 1025 in matmul, n·oh·ow up to 1568 in a filter gradient, 33825 in a reduce)
    // may accumulate in another order than the reference's double loop: looser, but still well below a real bug.
    private static final Tolerance F32_LONG_SUM = new Tolerance(1e-4, 1e-4);
    private static final Tolerance F64_LONG_SUM = new Tolerance(1e-10, 1e-9);
    // The same long sums of low-precision products, accumulated in float32 here and in double by the reference, then
    // rounded to 2 bytes: one unit in the last place, plus the float32 accumulation's error near zero.
    private static final Tolerance BF16_LONG_SUM = new Tolerance(1e-3, 0x1p-7);
    private static final Tolerance F16_LONG_SUM = new Tolerance(1e-3, 0x1p-10);
    private static final Map<DType, Tolerance> LONG_SUMS = Map.of(DType.F32, F32_LONG_SUM, DType.F64, F64_LONG_SUM,
            DType.BF16, BF16_LONG_SUM, DType.F16, F16_LONG_SUM);

    private static final Map<Class<? extends Op>, Map<DType, Tolerance>> TABLE = Map.ofEntries(
            entry(MatMulOp.class, LONG_SUMS),
            entry(Conv2dOp.class, LONG_SUMS),
            entry(Conv2dBackwardDataOp.class, LONG_SUMS),
            entry(Conv2dBackwardFilterOp.class, LONG_SUMS),
            entry(ReduceOp.class, LONG_SUMS),
            // a product per step (k up to 4h = 256) whose rounding the later steps carry on
            entry(LstmLayerOp.class, LONG_SUMS),
            entry(LstmLayerBackwardOp.class, LONG_SUMS),
            entry(GruLayerOp.class, LONG_SUMS),
            entry(GruLayerBackwardOp.class, LONG_SUMS),
            // a cast rounds one value once, the same way on every backend: bit for bit
            entry(CastOp.class, Map.of(DType.BF16, EXACT, DType.F16, EXACT)),
            entry(SoftmaxOp.class, Map.of(DType.F32, new Tolerance(1e-6, 1e-5))),
            entry(LogSoftmaxOp.class, Map.of(DType.F32, new Tolerance(1e-5, 1e-5))),
            entry(CrossEntropyOp.class, Map.of(DType.F32, new Tolerance(1e-5, 1e-5))),
            entry(CrossEntropyBackwardOp.class, Map.of(DType.F32, new Tolerance(1e-6, 1e-5))),
            entry(AdamUpdateOp.class, Map.of(DType.F32, new Tolerance(1e-6, 1e-5))),
            // per-channel sums of up to 3136 values, then a few float roundings of terms of order 1 per element
            entry(BatchNormOp.class, Map.of(DType.F32, new Tolerance(1e-5, 1e-5))),
            entry(BatchNormBackwardOp.class, Map.of(DType.F32, new Tolerance(1e-5, 1e-5))));

    public Tolerance {
        if (!(atol >= 0) || !(rtol >= 0)) {
            throw new IllegalArgumentException("atol and rtol must be >= 0, got " + atol + ", " + rtol);
        }
    }

    /** The tolerance for results of {@code op} in {@code dtype}. */
    public static Tolerance of(Class<? extends Op> op, DType dtype) {
        Map<DType, Tolerance> row = TABLE.get(op);
        Tolerance t = row == null ? null : row.get(dtype);
        return t != null ? t : DEFAULTS.get(dtype);
    }

    /** True when {@code got} is close enough to {@code ref}. */
    public boolean accepts(double ref, double got) {
        if (Double.isNaN(ref) || Double.isNaN(got)) {
            return Double.isNaN(ref) && Double.isNaN(got);
        }
        if (Double.isInfinite(ref) || Double.isInfinite(got)) {
            return ref == got;
        }
        return Math.abs(got - ref) <= atol + rtol * Math.abs(ref);
    }

    /** Null when every element is accepted, else a message naming {@code what} and the first mismatches. */
    public String mismatches(String what, double[] ref, double[] got) {
        if (ref.length != got.length) {
            return what + ": " + got.length + " elements, the reference has " + ref.length;
        }
        int count = 0;
        double worst = 0;
        int worstAt = -1;
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < ref.length; i++) {
            if (accepts(ref[i], got[i])) {
                continue;
            }
            if (count < SHOWN) {
                lines.append("\n  ").append(i).append(' ').append(ref[i]).append(' ').append(got[i]);
            }
            count++;
            double err = Math.abs(got[i] - ref[i]);
            if (!(err <= worst)) {
                worst = err;
                worstAt = i;
            }
        }
        if (count == 0) {
            return null;
        }
        return what + ": " + count + " of " + ref.length + " elements differ by more than atol=" + atol + " + rtol="
                + rtol + "·|ref| (largest |got − ref| = " + worst + " at index " + worstAt + "); first mismatches"
                + " (index ref got):" + lines;
    }

    /** Fails with {@link #mismatches} unless {@code got} has {@code ref}'s shape and dtype and close values. */
    public void assertClose(String what, Tensor ref, Tensor got) {
        if (!ref.shape().equals(got.shape()) || ref.dtype() != got.dtype()) {
            throw new AssertionError(what + ": got " + got.shape() + " " + got.dtype() + ", the reference gives "
                    + ref.shape() + " " + ref.dtype());
        }
        String m = mismatches(what, ref.toDoubleArray(), got.toDoubleArray());
        if (m != null) {
            throw new AssertionError(m);
        }
    }

    @Override
    public String toString() {
        return "Tolerance[atol=" + atol + ", rtol=" + rtol + "]";
    }
}
