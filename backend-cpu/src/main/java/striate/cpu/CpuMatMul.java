package striate.cpu;

import java.lang.foreign.MemorySegment;
import striate.backend.KernelTrace;
import striate.op.Kernel;
import striate.op.MatMulOp;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * MatMulOp on float32, with {@link Sgemm} over blocks of C in parallel. Large shapes (by Sgemm's rule for the
 * layout: A·Bᵀ, a linear layer's x·Wᵀ, is large from far smaller products than A·B) go zero-copy to OpenBLAS or
 * the packed Java kernel, whichever the machine runs: they read the operands' off-heap memory as it is (a
 * transposed operand by its transpose flag) and write the output's, in bands of rows of C (or columns, when C is
 * wider than tall): for OpenBLAS fixed by shape, at least 256 rows and at most 16 bands, for the packed kernel one
 * per thread. Smaller shapes go to the Java kernel in blocks of 64 rows, on arrays: transposed operands
 * are packed row-major once. Results do not depend on the thread count.
 */
final class CpuMatMul implements Kernel<MatMulOp> {
    private static final int ROWS_PER_CHUNK = 64;
    /** The narrowest band of C one OpenBLAS call gets, and the most bands C is cut into. */
    private static final int MIN_NATIVE_BAND = 256;
    private static final int MAX_NATIVE_BANDS = 16;
    private static final int PACKED_BAND_STEP = 96;
    private final IntraOpPool pool;
    private final Sgemm sgemm;

    CpuMatMul(IntraOpPool pool, Sgemm sgemm) {
        this.pool = pool;
        this.sgemm = sgemm;
    }

    @Override
    public void run(MatMulOp op, Tensor[] in, Tensor out) {
        int m = Math.toIntExact(out.dim(0));
        int n = Math.toIntExact(out.dim(1));
        int k = Math.toIntExact(op.transposeA() ? in[0].dim(0) : in[0].dim(1));
        multiply(op.transposeA(), op.transposeB(), m, n, k, in[0], in[1], out);
    }

    /**
     * C[m, n] = op(A) · op(B) for float32 host tensors of any shape whose row-major elements are those matrices:
     * A holds [m, k] (or [k, m] with {@code ta}), B holds [k, n] (or [n, k] with {@code tb}), and C, contiguous,
     * gets [m, n]. A convolution that is a matrix product calls this directly.
     */
    void multiply(boolean ta, boolean tb, int m, int n, int k, Tensor a, Tensor b, Tensor out) {
        if (sgemm.isLarge(ta, tb, m, n, k) && a.isContiguous() && b.isContiguous()) {
            KernelTrace.path(sgemm.hasNative() ? "openblas bands" : "packed bands");
            largeBands(ta, tb, m, n, k, a, b, out);
            return;
        }
        KernelTrace.path("blocks");
        float[] fa = ta ? transposed(HostFloats.read(a), k, m) : HostFloats.read(a);
        float[] fb = tb ? transposed(HostFloats.read(b), n, k) : HostFloats.read(b);
        float[] c = new float[m * n];
        int chunks = (m + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
        pool.forEach(chunks, chunk -> {
            int i0 = chunk * ROWS_PER_CHUNK;
            int rows = Math.min(ROWS_PER_CHUNK, m - i0);
            sgemm.gemm(rows, n, k, fa, i0 * k, k, fb, 0, n, c, i0 * n, n, false);
        });
        HostFloats.write(out, c);
    }

    /** x [rows, cols] → [cols, rows]. */
    private static float[] transposed(float[] x, int rows, int cols) {
        float[] t = new float[x.length];
        Transpose.of(x, 0, rows, cols, cols, t, 0);
        return t;
    }

    /**
     * Rows (or columns) of C per OpenBLAS call: fixed by shape, since OpenBLAS's results change with the rows per
     * call. At least 256, each call still above the native threshold ({@code perLine}: multiply-adds per row), and
     * at most 16 bands.
     */
    private static int nativeBand(int length, long perLine) {
        int least = (int) Math.min(length, Math.ceilDiv(Sgemm.LARGE_MIN_MACS, perLine));
        return Math.ceilDiv(Math.max(Math.max(MIN_NATIVE_BAND, least), Math.ceilDiv(length, MAX_NATIVE_BANDS)), 64)
                * 64;
    }

    /**
     * Rows (or columns) of C per packed Java call: one band per thread, since every call copies all of B (or A), so
     * fewer bands copy less, and the packed kernel's results do not depend on the bands. A multiple of 96, so that
     * bands end on whole tiles (6 rows, 16 or 32 columns).
     */
    private int packedBand(int length) {
        return Math.ceilDiv(Math.ceilDiv(length, pool.threads()), PACKED_BAND_STEP) * PACKED_BAND_STEP;
    }

    /**
     * C[m, n] = op(A) · op(B) by the large kernel on the tensors' memory, in bands of rows of C, or of columns when
     * n > m.
     * A is [m, k], or [k, m] with {@code ta}; B is [k, n], or [n, k] with {@code tb}; all three contiguous.
     */
    private void largeBands(boolean ta, boolean tb, int m, int n, int k, Tensor a, Tensor b, Tensor c) {
        MemorySegment sa = ((HostStorage) a.storage()).segment();
        MemorySegment sb = ((HostStorage) b.storage()).segment();
        MemorySegment sc = ((HostStorage) c.storage()).segment();
        long a0 = a.offset();
        long b0 = b.offset();
        long c0 = c.offset();
        int lda = ta ? m : k;
        int ldb = tb ? k : n;
        boolean byRows = m >= n;
        int length = byRows ? m : n;
        int band = sgemm.hasNative() ? nativeBand(length, (long) (byRows ? n : m) * k) : packedBand(length);
        pool.forEach(Math.ceilDiv(length, band), chunk -> {
            int i0 = chunk * band;
            int size = Math.min(band, length - i0);
            if (byRows) { // rows i0.. of op(A): row i0 of A, or column i0 of Aᵀ's storage
                sgemm.largeGemm(ta, tb, size, n, k, sa, a0 + (ta ? i0 : (long) i0 * k), lda, sb, b0, ldb,
                        sc, c0 + (long) i0 * n, n);
            } else { // columns i0.. of op(B): column i0 of B, or row i0 of Bᵀ's storage
                sgemm.largeGemm(ta, tb, m, size, k, sa, a0, lda, sb, b0 + (tb ? (long) i0 * k : i0), ldb,
                        sc, c0 + i0, n);
            }
        });
    }
}
