package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;

/**
 * A single-threaded native SGEMM on row-major operands, C[m, n] (+)= op(A) · op(B): oneDNN's ({@link OneDnn}) or
 * OpenBLAS's ({@link NativeBlas}); {@link Sgemm} decides which one, once per process. Offsets and row strides count
 * floats; bounds are checked before the call, since a native write past a segment would corrupt memory silently.
 */
interface NativeGemm {
    /**
     * C[m, n] (+)= op(A) · op(B) on segments (off-heap tensor memory or arrays). op(A) is A [m, k] or, with
     * {@code transA}, Aᵀ for A [k, m]; op(B) is B [k, n] or, with {@code transB}, Bᵀ for B [n, k].
     */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, MemorySegment a, long aOff, int lda,
               MemorySegment b, long bOff, int ldb, MemorySegment c, long cOff, int ldc, boolean accumulate);

    /** The same on Java arrays, A not transposed; the critical downcall hands the library the arrays themselves. */
    default void sgemm(boolean transB, int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                       float[] c, int cOff, int ldc, boolean accumulate) {
        sgemm(false, transB, m, n, k, MemorySegment.ofArray(a), aOff, lda, MemorySegment.ofArray(b), bOff, ldb,
                MemorySegment.ofArray(c), cOff, ldc, accumulate);
    }

    /**
     * From how many multiply-adds this library runs every product, whatever its shape and layout, instead of the Java
     * kernels. OpenBLAS: never by this rule (its own thresholds in {@link Sgemm} apply: it lost to the Java kernels on
     * skinny and small shapes).
     */
    default long everyShapeMinMacs() {
        return Long.MAX_VALUE;
    }

    /**
     * The least work one call gets where {@link CpuMatMul} cuts a product of medium size into up to 4 bands for the
     * threads (the bands are fixed by shape, so that results do not depend on the thread count): this many
     * multiply-adds. For OpenBLAS the large products' rule (2^25, at least 256 rows), below which its calls ran slower
     * per flop, so such a product stays one call.
     */
    default long bandMinMacs() {
        return Sgemm.LARGE_MIN_MACS;
    }

    /** The fewest rows (or columns) of C in one band of a medium product; see {@link #bandMinMacs}. */
    default int bandMinLength() {
        return CpuMatMul.LARGE_BAND;
    }

    /**
     * Whether this library runs C[m, n] = Aᵀ·B of this shape faster as its transpose Cᵀ = Bᵀ·A followed by a
     * transpose of the result (each band of C's rows while it is in cache); {@link CpuMatMul} then does so.
     */
    default boolean swapsTransposedA(int m, int n, int k) {
        return false;
    }

    /** What runs, for {@code striate doctor}: the library, its version and what it chose for this CPU. */
    String describe();

    /** The library's name in kernel traces: "onednn" or "openblas". */
    String name();

    /** The address of {@code name} in {@code lib}, or an exception naming {@code library} and the symbol. */
    static MemorySegment symbol(SymbolLookup lib, String library, String name) {
        return lib.find(name).orElseThrow(() -> new IllegalStateException(library + " has no symbol " + name));
    }

    /** Checks that op(A), op(B) and C of this product lie inside their segments. */
    static void checkOperands(boolean transA, boolean transB, int m, int n, int k, MemorySegment a, long aOff, int lda,
                              MemorySegment b, long bOff, int ldb, MemorySegment c, long cOff, int ldc) {
        if (m < 1 || n < 1 || k < 1) {
            throw new IllegalArgumentException("native sgemm needs m, n, k >= 1, got " + m + ", " + n + ", " + k);
        }
        checkMatrix("A", a, aOff, transA ? k : m, transA ? m : k, lda);
        checkMatrix("B", b, bOff, transB ? n : k, transB ? k : n, ldb);
        checkMatrix("C", c, cOff, m, n, ldc);
    }

    /** A [rows, cols] at {@code off} with row stride {@code ld} lies inside {@code x}. */
    private static void checkMatrix(String name, MemorySegment x, long off, int rows, int cols, int ld) {
        long floats = x.byteSize() / 4;
        if (off < 0 || ld < cols || off + (long) (rows - 1) * ld + cols > floats) {
            throw new IndexOutOfBoundsException(name + " [" + rows + ", " + cols + "] at " + off + " with row stride "
                    + ld + " does not fit in " + floats + " floats");
        }
    }
}
