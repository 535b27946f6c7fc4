package striate.cpu;

import striate.op.Kernel;
import striate.op.MatMulOp;
import striate.reference.ReferenceBackend;
import striate.tensor.Tensor;

/**
 * MatMulOp on float32: transposed operands are packed row-major once, then {@link Sgemm} runs over blocks of
 * 64 rows of C in parallel. Each element of C is summed in the same k order whatever the split, so results do
 * not depend on the thread count. Other types go to the reference kernel.
 */
final class CpuMatMul implements Kernel<MatMulOp> {
    private static final int ROWS_PER_CHUNK = 64;
    private final IntraOpPool pool;

    CpuMatMul(IntraOpPool pool) {
        this.pool = pool;
    }

    @Override
    public void run(MatMulOp op, Tensor[] in, Tensor out) {
        if (!HostFloats.isF32(in[0]) || !HostFloats.isF32(in[1])) {
            ReferenceBackend.KERNELS.get(op).run(op, in, out);
            return;
        }
        int m = Math.toIntExact(out.dim(0));
        int n = Math.toIntExact(out.dim(1));
        int k = Math.toIntExact(op.transposeA() ? in[0].dim(0) : in[0].dim(1));
        float[] a = HostFloats.read(in[0]);
        float[] b = HostFloats.read(in[1]);
        if (op.transposeA()) {
            float[] t = new float[a.length];
            Transpose.of(a, 0, k, m, m, t, 0); // a is [k, m] → [m, k]
            a = t;
        }
        if (op.transposeB()) {
            float[] t = new float[b.length];
            Transpose.of(b, 0, n, k, k, t, 0); // b is [n, k] → [k, n]
            b = t;
        }
        float[] c = new float[m * n];
        float[] fa = a;
        float[] fb = b;
        int chunks = (m + ROWS_PER_CHUNK - 1) / ROWS_PER_CHUNK;
        pool.forEach(chunks, chunk -> {
            int i0 = chunk * ROWS_PER_CHUNK;
            int rows = Math.min(ROWS_PER_CHUNK, m - i0);
            Sgemm.gemm(rows, n, k, fa, i0 * k, k, fb, 0, n, c, i0 * n, n, false);
        });
        HostFloats.write(out, c);
    }
}
