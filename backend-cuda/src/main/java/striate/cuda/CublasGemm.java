package striate.cuda;

import static striate.cuda.CudaBackend.contiguous;
import static striate.cuda.CudaBackend.of;
import static striate.cuda.CudaBackend.pointer;

import jcuda.Pointer;
import jcuda.cudaDataType;
import jcuda.driver.CUdeviceptr;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasComputeType;
import jcuda.jcublas.cublasGemmAlgo;
import jcuda.jcublas.cublasOperation;
import striate.backend.KernelTrace;
import striate.op.MatMulOp;
import striate.tensor.DType;
import striate.tensor.Tensor;

/**
 * MatMul on cuBLAS: SGEMM for float32; for bfloat16 or float16 operands and output (all one type), cublasGemmEx
 * with CUDA_R_16BF or CUDA_R_16F matrices, float32 accumulation (CUBLAS_COMPUTE_32F) and the default algorithm, which
 * runs on tensor cores for 2-byte inputs. Row-major operands map to the column-major call by {@link GemmCall};
 * transposed views (e.g. a weight's ᵀ in a linear layer's backward) go in as they are with the op flipped, other
 * strided views are copied dense first. Float32: FP32 math unless the backend was created with TF32
 * ({@code -Dstriate.cuda.tf32=true}). Mixed operand types are widened before they get here ({@link CudaWidened}).
 */
final class CublasGemm {
    private static final Pointer ONE = Pointer.to(new float[] {1});
    private static final Pointer ZERO = Pointer.to(new float[] {0});

    private CublasGemm() {
    }

    static void matmul(MatMulOp op, Tensor[] in, Tensor out) {
        CudaElementwise.requireOneType(op.name(), in, out);
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
        int ta = c.transA() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int tb = c.transB() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        if (out.dtype() == DType.F32) {
            CudaStatus.cublas(JCublas2.cublasSgemm(of(out).gpu().cublas(), ta, tb, c.m(), c.n(), c.k(), ONE, pointer(b),
                    c.lda(), pointer(a), c.ldb(), ZERO, pointer(out), c.ldc()),
                    "cublasSgemm(" + m + "x" + n + "x" + k + ")");
            return;
        }
        if (KernelTrace.on()) {
            KernelTrace.path("cublasGemmEx " + out.dtype());
        }
        int type = out.dtype() == DType.BF16 ? cudaDataType.CUDA_R_16BF : cudaDataType.CUDA_R_16F;
        CudaStatus.cublas(JCublas2.cublasGemmEx_new(of(out).gpu().cublas(), ta, tb, c.m(), c.n(), c.k(), ONE,
                pointer(b), type, c.lda(), pointer(a), type, c.ldb(), ZERO, pointer(out), type, c.ldc(),
                cublasComputeType.CUBLAS_COMPUTE_32F, cublasGemmAlgo.CUBLAS_GEMM_DEFAULT),
                "cublasGemmEx(" + out.dtype() + ", " + m + "x" + n + "x" + k + ")");
    }

    /**
     * C[m, n] (+)= op(A)·op(B) on dense row-major float32 device memory: A [m, k] (or [k, m] with {@code ta}), B [k, n]
     * (or [n, k] with {@code tb}), C [m, n]; with {@code accumulate}, C's values are added to. For kernels that
     * multiply parts of their own tensors (the recurrent layers' steps); FP32 or TF32 as the backend's matmul.
     */
    static void rowMajor(CudaDevice gpu, boolean ta, boolean tb, int m, int n, int k, CUdeviceptr a, CUdeviceptr b,
                         CUdeviceptr c, boolean accumulate) {
        if (m == 0 || n == 0) { // an empty C (a layer of hidden size 0): cuBLAS refuses its leading dimension of 0
            return;
        }
        if (k == 0) { // an empty sum
            if (!accumulate) {
                gpu.fill32(c, 0, (long) m * n);
            }
            return;
        }
        GemmCall call = GemmCall.of(m, n, k, ta, tb, new GemmCall.Operand(false, ta ? m : k),
                new GemmCall.Operand(false, tb ? k : n));
        CudaStatus.cublas(JCublas2.cublasSgemm(gpu.cublas(), call.transA() ? cublasOperation.CUBLAS_OP_T
                : cublasOperation.CUBLAS_OP_N, call.transB() ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N,
                call.m(), call.n(), call.k(), ONE, b, call.lda(), a, call.ldb(), accumulate ? ONE : ZERO, c,
                call.ldc()), "cublasSgemm(" + m + "x" + n + "x" + k + ")");
    }

    private static GemmCall.Operand operand(Tensor t) {
        long[] s = t.strides();
        return GemmCall.Operand.of(t.dim(0), t.dim(1), s[0], s[1]);
    }
}
