package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import striate.backend.KernelTrace;
import striate.op.Kernel;
import striate.op.MatMulOp;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * MatMulOp on float32, with {@link Sgemm} over blocks of C in parallel. Large shapes (by Sgemm's rule for the
 * layout: A·Bᵀ, a linear layer's x·Wᵀ, is large from far smaller products than A·B) go zero-copy to the native
 * library (oneDNN or OpenBLAS) or the packed Java kernel, whichever the machine runs: they read the operands'
 * off-heap memory as it is (a transposed operand by its transpose flag) and write the output's, in bands of rows of
 * C (or columns, when C is wider than tall): for the native library fixed by shape ({@link #nativeBand}), for the
 * packed kernel one per thread. An Aᵀ·B that the native library runs faster as
 * (Bᵀ·A)ᵀ goes that way, band by band through scratch. Smaller shapes go to the Java kernel in blocks of 64 rows,
 * on arrays (per-thread {@link Scratch}, reused from call to call): transposed operands are packed row-major once.
 * Results do not depend on the thread count.
 */
final class CpuMatMul implements Kernel<MatMulOp> {
    private static final int ROWS_PER_CHUNK = 64;
    /** The narrowest band of a large native product (rows or columns of C), and the most bands C is cut into. */
    static final int LARGE_BAND = 256;
    private static final int MAX_NATIVE_BANDS = 16;
    /** Bands a medium product is cut into where the library keeps its rate on small calls. */
    private static final int MEDIUM_BANDS = 4;
    private static final int PACKED_BAND_STEP = 96;
    // Scratch slots of the small path's operands and product: the calling thread's (the tasks only use them).
    private static final int A_READ = 0;
    private static final int A_ROWS = 1;
    private static final int B_READ = 2;
    private static final int B_ROWS = 3;
    private static final int PRODUCT = 4;
    // Scratch slots of a swapped band (the tasks' own): Cᵀ's block as computed, and as C's rows.
    private static final int SWAPPED = 5;
    private static final int SWAPPED_ROWS = 6;
    private final IntraOpPool pool;
    private final Sgemm sgemm;
    private final Scratch scratch = new Scratch(7);
    private final String largePath; // the trace name of the large products' kernel, fixed by the GEMM chosen
    private final String swappedPath; // and of its Aᵀ·B run as (Bᵀ·A)ᵀ

    CpuMatMul(IntraOpPool pool, Sgemm sgemm) {
        this.pool = pool;
        this.sgemm = sgemm;
        this.largePath = sgemm.hasNative() ? sgemm.nativeName() + " bands" : "packed bands";
        this.swappedPath = largePath + " swapped";
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
            large(ta, tb, m, n, k, InPlace.of(a, b, out), false);
            return;
        }
        KernelTrace.path("blocks");
        float[] fa = scratch.floats(A_READ, m * k);
        HostFloats.read(a, fa);
        float[] fb = scratch.floats(B_READ, k * n);
        HostFloats.read(b, fb);
        HostFloats.writeRange(out, 0, blocks(ta, tb, m, n, k, fa, fb, null), m * n);
    }

    /**
     * C[m, n] (+)= op(A) · op(B) on contiguous row-major float32 memory, offsets in elements, for kernels that multiply
     * parts of their own tensors (the recurrent layers' per-step products); shapes as in the tensors' form, C's rows
     * {@code n} apart. With {@code accumulate}, C's values are added to.
     */
    void multiply(boolean ta, boolean tb, int m, int n, int k, MemorySegment a, long a0, MemorySegment b, long b0,
                  MemorySegment c, long c0, boolean accumulate) {
        if (sgemm.isLarge(ta, tb, m, n, k)) {
            large(ta, tb, m, n, k, new InPlace(a, a0, b, b0, c, c0), accumulate);
            return;
        }
        KernelTrace.path("blocks");
        float[] fa = scratch.floats(A_READ, m * k);
        MemorySegment.copy(a, JAVA_FLOAT, a0 * 4, fa, 0, m * k);
        float[] fb = scratch.floats(B_READ, k * n);
        MemorySegment.copy(b, JAVA_FLOAT, b0 * 4, fb, 0, k * n);
        float[] product = blocks(ta, tb, m, n, k, fa, fb, accumulate ? c.asSlice(c0 * 4, (long) m * n * 4) : null);
        MemorySegment.copy(product, 0, c, JAVA_FLOAT, c0 * 4, m * n);
    }

    /** A large product in place: as (Bᵀ·A)ᵀ where the library runs that faster (not when accumulating), else in bands. */
    private void large(boolean ta, boolean tb, int m, int n, int k, InPlace p, boolean accumulate) {
        if (ta && !tb && !accumulate && sgemm.swapsTransposedA(m, n, k)) {
            KernelTrace.path(swappedPath);
            swappedBands(m, n, k, p);
        } else {
            KernelTrace.path(largePath);
            largeBands(ta, tb, m, n, k, p, accumulate);
        }
    }

    /**
     * The Java kernel in blocks of 64 rows on the operands as read ({@code fa}, {@code fb}: stored [m, k] or [k, m],
     * [k, n] or [n, k]), transposed ones packed row-major first; returns the product [m, n] in scratch, added to
     * {@code addend}'s [m, n] when that is not null.
     */
    private float[] blocks(boolean ta, boolean tb, int m, int n, int k, float[] fa, float[] fb, MemorySegment addend) {
        float[] ra = ta ? transposed(fa, k, m, A_ROWS) : fa;
        float[] rb = tb ? transposed(fb, n, k, B_ROWS) : fb;
        float[] c = scratch.floats(PRODUCT, m * n);
        if (addend != null) {
            MemorySegment.copy(addend, JAVA_FLOAT, 0, c, 0, m * n);
        }
        int chunks = (m + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
        pool.forEach(chunks, chunk -> {
            int i0 = chunk * ROWS_PER_CHUNK;
            int rows = Math.min(ROWS_PER_CHUNK, m - i0);
            sgemm.gemm(rows, n, k, ra, i0 * k, k, rb, 0, n, c, i0 * n, n, addend != null);
        });
        return c;
    }

    /** The stored [rows, cols] in {@code read} turned into [cols, rows], in this thread's scratch slot. */
    private float[] transposed(float[] read, int rows, int cols, int slot) {
        float[] rowsOut = scratch.floats(slot, rows * cols);
        Transpose.of(read, 0, rows, cols, cols, rowsOut, 0);
        return rowsOut;
    }

    /**
     * Rows (or columns) of C per native call: fixed by shape, since the libraries' results change with the rows per
     * call. At least 256 and 2^25 multiply-adds per call ({@code perLine}: multiply-adds per row), at most 16 bands,
     * so each call packs its operands for a large block; but up to 4 bands for a product too small for that, each
     * with the library's least work ({@link NativeGemm#bandMinLength}, {@link NativeGemm#bandMinMacs}), so that
     * several threads share it. Multiples of 64.
     */
    private int nativeBand(int length, long perLine) {
        int large = Math.max(Math.max(LARGE_BAND, (int) Math.min(length, Math.ceilDiv(Sgemm.LARGE_MIN_MACS, perLine))),
                Math.ceilDiv(length, MAX_NATIVE_BANDS));
        int medium = Math.max(Math.max(sgemm.bandMinLength(), (int) Math.min(length,
                Math.ceilDiv(sgemm.bandMinMacs(), perLine))), Math.ceilDiv(length, MEDIUM_BANDS));
        return Math.ceilDiv(Math.min(large, medium), 64) * 64;
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
     * C[m, n] = Aᵀ·B (A [k, m], B [k, n], both contiguous) as Cᵀ = Bᵀ·A, where the native library runs that faster
     * ({@link Sgemm#swapsTransposedA}), in the bands of C's rows that {@link #largeBands} takes: each band's block of
     * Cᵀ, [n, band], goes to this thread's scratch, is transposed there and copied to its rows of C.
     */
    private void swappedBands(int m, int n, int k, InPlace p) {
        int band = nativeBand(m, (long) n * k);
        pool.forEach(Math.ceilDiv(m, band), chunk -> {
            int i0 = chunk * band;
            int size = Math.min(band, m - i0);
            float[] block = scratch.floats(SWAPPED, n * size);
            float[] rows = scratch.floats(SWAPPED_ROWS, n * size);
            // Cᵀ[:, i0 .. i0 + size) [n, size] = Bᵀ [n, k] · A[:, i0 .. i0 + size) [k, size]
            sgemm.largeGemm(true, false, n, size, k, p.b(), p.b0(), n, p.a(), p.a0() + i0, m,
                    MemorySegment.ofArray(block), 0, size, false);
            Transpose.of(block, 0, n, size, size, rows, 0);
            MemorySegment.copy(MemorySegment.ofArray(rows), 0, p.c(), (p.c0() + (long) i0 * n) * 4,
                    (long) size * n * 4);
        });
    }

    /**
     * C[m, n] = op(A) · op(B) by the large kernel on the tensors' memory, in bands of rows of C, or of columns when
     * n > m.
     * A is [m, k], or [k, m] with {@code ta}; B is [k, n], or [n, k] with {@code tb}; all three contiguous. With
     * {@code accumulate}, C's values are added to.
     */
    private void largeBands(boolean ta, boolean tb, int m, int n, int k, InPlace p, boolean accumulate) {
        int lda = ta ? m : k;
        int ldb = tb ? k : n;
        boolean byRows = m >= n;
        int length = byRows ? m : n;
        int band = sgemm.hasNative() ? nativeBand(length, (long) (byRows ? n : m) * k) : packedBand(length);
        pool.forEach(Math.ceilDiv(length, band), chunk -> {
            int i0 = chunk * band;
            int size = Math.min(band, length - i0);
            if (byRows) { // rows i0.. of op(A): row i0 of A, or column i0 of Aᵀ's storage
                sgemm.largeGemm(ta, tb, size, n, k, p.a(), p.a0() + (ta ? i0 : (long) i0 * k), lda, p.b(), p.b0(),
                        ldb, p.c(), p.c0() + (long) i0 * n, n, accumulate);
            } else { // columns i0.. of op(B): column i0 of B, or row i0 of Bᵀ's storage
                sgemm.largeGemm(ta, tb, m, size, k, p.a(), p.a0(), lda, p.b(), p.b0() + (tb ? (long) i0 * k : i0),
                        ldb, p.c(), p.c0() + i0, n, accumulate);
            }
        });
    }

    /** The three operands' memory and first elements, as the large kernels read and write them in place. */
    private record InPlace(MemorySegment a, long a0, MemorySegment b, long b0, MemorySegment c, long c0) {
        static InPlace of(Tensor a, Tensor b, Tensor c) {
            return new InPlace(segment(a), a.offset(), segment(b), b.offset(), segment(c), c.offset());
        }

        private static MemorySegment segment(Tensor t) {
            return ((HostStorage) t.storage()).segment();
        }
    }
}
