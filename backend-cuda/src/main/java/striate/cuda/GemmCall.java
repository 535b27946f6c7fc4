package striate.cuda;

/**
 * A row-major product y [m, n] = op(a)·op(b) as the column-major cuBLAS call that computes it. A row-major
 * matrix is its transpose in column-major order, so yᵀ = op(b)ᵀ·op(a)ᵀ: cuBLAS gets b first and a second, m and
 * n swapped, and ldc = n. An operand given as a transposed view (stride 1 along its rows) is the row-major
 * transpose of its storage, so its op flips instead of copying it. Pure arithmetic, tested without a GPU.
 *
 * @param transA cuBLAS op of its first operand (our b): true for 'T'
 * @param transB cuBLAS op of its second operand (our a)
 */
public record GemmCall(boolean transA, boolean transB, int m, int n, int k, int lda, int ldb, int ldc) {

    /** How one row-major operand sits in memory: whether its storage is the transpose, and the leading dim. */
    public record Operand(boolean storedTransposed, long ld) {
        /**
         * The operand of a 2-D view [rows, cols] with these strides, or null when it needs a dense copy
         * (neither rows nor columns are contiguous). The leading dimension is at least 1: cuBLAS rejects a
         * smaller one even when a dimension is 0 (a [m, 0] operand has row stride 0).
         */
        public static Operand of(long rows, long cols, long rowStride, long colStride) {
            if ((colStride == 1 || cols == 1) && (rows == 1 || rowStride >= cols)) {
                return new Operand(false, Math.max(1, rows == 1 ? cols : rowStride));
            }
            if ((rowStride == 1 || rows == 1) && (cols == 1 || colStride >= rows)) {
                return new Operand(true, Math.max(1, cols == 1 ? rows : colStride));
            }
            return null;
        }
    }

    /**
     * The call for y [m, n] = op(a)·op(b), where a is stored as {@code a} and b as {@code b}, and the op asks
     * to transpose a ({@code opA}) and/or b ({@code opB}).
     */
    public static GemmCall of(long m, long n, long k, boolean opA, boolean opB, Operand a, Operand b) {
        boolean ta = opA != a.storedTransposed();
        boolean tb = opB != b.storedTransposed();
        return new GemmCall(tb, ta, toInt(n, "n"), toInt(m, "m"), toInt(k, "k"), toInt(b.ld(), "ldb"),
                toInt(a.ld(), "lda"), toInt(Math.max(1, n), "ldc"));
    }

    private static int toInt(long v, String what) {
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("matmul: " + what + " = " + v + " exceeds cuBLAS's 32-bit sizes");
        }
        return (int) v;
    }
}
