package striate.cuda;

import static striate.cuda.CudaBackend.contiguous;
import static striate.cuda.CudaBackend.of;
import static striate.cuda.CudaBackend.pointer;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasOperation;
import striate.op.MatMulOp;
import striate.tensor.Tensor;

/**
 * MatMul on cuBLAS SGEMM. Row-major operands map to the column-major call by {@link GemmCall}; transposed views
 * (e.g. a weight's ᵀ in a linear layer's backward) go in as they are with the op flipped, other strided views are
 * copied dense first. FP32 math unless the backend was created with TF32 ({@code -Dstriate.cuda.tf32=true}).
 */
final class CublasGemm {
    private static final Pointer ONE = Pointer.to(new float[] {1});
    private static final Pointer ZERO = Pointer.to(new float[] {0});

    private CublasGemm() {
    }

    static void matmul(MatMulOp op, Tensor[] in, Tensor out) {
        CudaElementwise.requireF32(op.name(), in[0]);
        Tensor a = in[0];
        Tensor b = in[1];
        GemmCall.Operand oa = operand(a);
        if (oa == null) {
            a = contiguous(a);
            oa = operand(a);
        }
        GemmCall.Operand ob = operand(b);
        if (ob == null) {
            b = contiguous(b);
            ob = operand(b);
        }
        long m = out.dim(0);
        long n = out.dim(1);
        long k = op.transposeA() ? a.dim(0) : a.dim(1);
        if (m == 0 || n == 0) {
            return;
        }
        GemmCall c = GemmCall.of(m, n, k, op.transposeA(), op.transposeB(), oa, ob);
        CudaStatus.cublas(JCublas2.cublasSgemm(of(out).gpu().cublas(), c.transA() ? cublasOperation.CUBLAS_OP_T
                : cublasOperation.CUBLAS_OP_N, c.transB() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                c.m(), c.n(), c.k(), ONE, pointer(b), c.lda(), pointer(a), c.ldb(), ZERO, pointer(out), c.ldc()),
                "cublasSgemm(" + m + "x" + n + "x" + k + ")");
    }

    private static GemmCall.Operand operand(Tensor t) {
        long[] s = t.strides();
        return GemmCall.Operand.of(t.dim(0), t.dim(1), s[0], s[1]);
    }
}
