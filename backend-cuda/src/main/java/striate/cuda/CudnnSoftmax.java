package striate.cuda;

import static striate.cuda.CudaBackend.contiguous;
import static striate.cuda.CudaBackend.of;
import static striate.cuda.CudaBackend.pointer;

import jcuda.Pointer;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnSoftmaxAlgorithm;
import jcuda.jcudnn.cudnnSoftmaxMode;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.jcudnn.cudnnTensorFormat;
import striate.op.LogSoftmaxOp;
import striate.op.SoftmaxOp;
import striate.tensor.Tensor;

/**
 * Softmax and log-softmax along any axis on cuDNN (accurate algorithm: max subtracted first): x is viewed as the
 * NCHW tensor [outer, d, inner, 1] and cuDNN normalizes over the channel axis d.
 */
final class CudnnSoftmax {
    private CudnnSoftmax() {
    }

    static void softmax(SoftmaxOp op, Tensor[] in, Tensor out) {
        run(op.name(), op.axis(), cudnnSoftmaxAlgorithm.CUDNN_SOFTMAX_ACCURATE, in[0], out);
    }

    static void logSoftmax(LogSoftmaxOp op, Tensor[] in, Tensor out) {
        run(op.name(), op.axis(), cudnnSoftmaxAlgorithm.CUDNN_SOFTMAX_LOG, in[0], out);
    }

    private static void run(String name, int axis, int algorithm, Tensor in, Tensor out) {
        CudaElementwise.requireF32(name, in);
        Tensor x = contiguous(in);
        long[] split = x.shape().aroundAxis(axis);
        if (out.size() == 0) {
            return;
        }
        cudnnTensorDescriptor desc = new cudnnTensorDescriptor();
        CudaStatus.cudnn(JCudnn.cudnnCreateTensorDescriptor(desc), "cudnnCreateTensorDescriptor");
        try {
            CudaStatus.cudnn(JCudnn.cudnnSetTensor4dDescriptor(desc, cudnnTensorFormat.CUDNN_TENSOR_NCHW,
                    cudnnDataType.CUDNN_DATA_FLOAT, toInt(split[0]), toInt(split[1]), toInt(split[2]), 1),
                    "cudnnSetTensor4dDescriptor");
            CudaStatus.cudnn(JCudnn.cudnnSoftmaxForward(of(out).gpu().cudnn(), algorithm,
                    cudnnSoftmaxMode.CUDNN_SOFTMAX_MODE_CHANNEL, Pointer.to(new float[] {1}), desc, pointer(x),
                    Pointer.to(new float[] {0}), desc, pointer(out)), "cudnnSoftmaxForward");
        } finally {
            JCudnn.cudnnDestroyTensorDescriptor(desc);
        }
    }

    static int toInt(long v) {
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a dimension of " + v + " exceeds cuDNN's 32-bit sizes");
        }
        return (int) v;
    }
}
