package striate.op;

import java.util.Arrays;
import striate.tensor.DType;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Embedding lookup (PyTorch's embedding): (weight [v, d], ids int32 [any shape]) → y [ids..., d], y[p] =
 * weight[ids[p]]. {@code paddingIdx} is the row whose gradient stays zero ({@link EmbeddingBackwardOp}), −1 for none;
 * the forward gathers it like any other row (the layer keeps that row at zero). An id outside [0, v) is an error
 * naming its position and value.
 */
public record EmbeddingOp(int paddingIdx) implements Op {
    /** The paddingIdx that names no row. */
    public static final int NO_PADDING = -1;

    /** An embedding without a padding row. */
    public EmbeddingOp() {
        this(NO_PADDING);
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public Shape inferShape(Shape... in) {
        requireRank(in[0], 2, "weight [v, d]");
        checkPadding(this, paddingIdx, in[0].dim(0));
        long[] ids = in[1].dims();
        long[] y = Arrays.copyOf(ids, ids.length + 1);
        y[ids.length] = in[0].dim(1);
        return Shape.of(y); // [ids..., d]
    }

    @Override
    public DType inferType(DType... in) {
        requireFloating(in[0], "weight");
        requireIds(this, in[1]);
        return in[0];
    }

    static void checkPadding(Op op, int paddingIdx, long rows) {
        if (paddingIdx < NO_PADDING || paddingIdx >= rows) {
            throw new IllegalArgumentException(op.name() + ": paddingIdx " + paddingIdx + " is not a row of the "
                    + rows + "-row weight; give a row in [0, " + rows + ") or -1 for none");
        }
    }

    static void requireIds(Op op, DType ids) {
        if (ids != DType.I32) {
            throw new IllegalArgumentException(op.name() + ": ids must be int32 row indices, got " + ids
                    + " (convert them with ids.to(DType.I32))");
        }
    }

    /**
     * The ids as row indices in row-major order, each checked to lie in [0, rows): what the reference kernels read
     * (element access, in place in host memory).
     */
    public static int[] rowIndices(Op op, Tensor ids, long rows) {
        double[] values = ids.toDoubleArray();
        int[] r = new int[values.length];
        for (int p = 0; p < r.length; p++) {
            r[p] = (int) values[p];
            if (r[p] < 0 || r[p] >= rows) {
                throw outOfRange(op, ids.shape(), p, r[p], rows);
            }
        }
        return r;
    }

    /** The error for the id {@code value} at row-major {@code position} of ids, named by its index. */
    public static IllegalArgumentException outOfRange(Op op, Shape ids, long position, long value, long rows) {
        long[] index = new long[ids.rank()];
        long rest = position;
        for (int a = ids.rank() - 1; a >= 0; a--) {
            index[a] = rest % ids.dim(a);
            rest /= ids.dim(a);
        }
        String at = Arrays.toString(index);
        return new IllegalArgumentException(op.name() + ": ids" + at + " = " + value + " is not a row of the "
                + rows + "-row weight; ids must lie in [0, " + rows + ")");
    }
}
