package striate.cpu;

import java.lang.foreign.MemorySegment;
import striate.op.BinaryFn;
import striate.op.Conv2dOp;
import striate.op.UnaryFn;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Convolution whose filter covers the whole unpadded input in one position (LeNet's C5: one output pixel), as the
 * matrix product it is, on the tensors as they lie: x [n, c, h, w] is [n, ckk] and y [n, k, 1, 1] is [n, k], so
 * y = x · Wᵀ, dx = dy · W and dW = dyᵀ · x, each one {@link CpuMatMul#multiply}.
 */
final class MatrixConv2d {
    /** Elements of y [n, k] one task of the bias and ReLU covers, about. */
    private static final int ROWS_PER_TASK_ELEMENTS = 16_384;

    private final IntraOpPool pool;
    private final CpuMatMul matmul;
    private final FloatLoops loops;

    MatrixConv2d(IntraOpPool pool, CpuMatMul matmul, FloatLoops loops) {
        this.pool = pool;
        this.matmul = matmul;
        this.loops = loops;
    }

    /** y[n, k] = x[n, ckk] · W[k, ckk]ᵀ, then a fused op's bias and ReLU along each row. */
    void forward(Conv2dOp op, Tensor[] in, Tensor out, ConvGeometry g) {
        matmul.multiply(false, true, g.n(), g.k(), g.ckk(), in[0], in[1], out);
        biasReluRows(op, in, out, g);
    }

    /** dx[n, ckk] = dy[n, k] · W[k, ckk], for dy = in[0] and W = in[1]. */
    void backwardData(Tensor[] in, Tensor out, ConvGeometry g) {
        matmul.multiply(false, false, g.n(), g.ckk(), g.k(), in[0], in[1], out);
    }

    /** dW[k, ckk] = dy[n, k]ᵀ · x[n, ckk], for x = in[0] and dy = in[1]. */
    void backwardFilter(Tensor[] in, Tensor out, ConvGeometry g) {
        matmul.multiply(true, false, g.k(), g.ckk(), g.n(), in[1], in[0], out);
    }

    /** A fused op's bias and ReLU on y [n, k], in place: the bias runs along each row. */
    private void biasReluRows(Conv2dOp op, Tensor[] in, Tensor out, ConvGeometry g) {
        if (!op.bias() && !op.relu()) {
            return;
        }
        MemorySegment y = ((HostStorage) out.storage()).segment();
        FloatRegion b = op.bias() ? FloatRegion.of(in[2]) : null;
        int rows = Math.max(1, ROWS_PER_TASK_ELEMENTS / g.k());
        pool.forEach((g.n() + rows - 1) / rows, task -> {
            for (int r = task * rows; r < Math.min(g.n(), (task + 1) * rows); r++) {
                long yi = out.offset() + (long) r * g.k();
                if (b != null) {
                    loops.binary(BinaryFn.ADD, y, yi, b.segment(), b.offset(), false, y, yi, g.k());
                }
                if (op.relu()) {
                    loops.unary(UnaryFn.RELU, y, yi, y, yi, g.k());
                }
            }
        });
    }
}
