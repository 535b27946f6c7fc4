package striate.cuda;

import static striate.cuda.CudaBackend.pointer;

import java.util.HashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnConvolutionBwdDataAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionBwdFilterAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionDescriptor;
import jcuda.jcudnn.cudnnConvolutionFwdAlgoPerf;
import jcuda.jcudnn.cudnnConvolutionMode;
import jcuda.jcudnn.cudnnDataType;
import jcuda.jcudnn.cudnnDeterminism;
import jcuda.jcudnn.cudnnFilterDescriptor;
import jcuda.jcudnn.cudnnMathType;
import jcuda.jcudnn.cudnnTensorDescriptor;
import jcuda.jcudnn.cudnnTensorFormat;
import striate.backend.KernelTrace;
import striate.op.ConvParams;
import striate.tensor.DType;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * The convolutions through cuDNN's legacy interface ({@link CudnnApi#LEGACY}): the algorithm of each (direction,
 * type, shapes, params) is chosen once and remembered, by timing the candidates ({@code cudnnFind*}) normally and,
 * in deterministic mode, as cuDNN's first heuristic choice ({@code *_v7}) whose results are deterministic, so a run
 * repeats bit for bit. Float32: FMA math (plain float32) unless TF32 was asked for; bfloat16 and float16:
 * CUDNN_TENSOR_OP_MATH, so cuDNN may pick its tensor-core kernels.
 */
final class LegacyConvolutionCalls implements ConvolutionCalls {
    private static final Pointer ONE = Pointer.to(new float[] {1});
    private static final Pointer ZERO = Pointer.to(new float[] {0});
    private static final int CANDIDATES = 8;

    private final CudaDevice gpu;
    private final Map<String, Choice> algorithms = new HashMap<>();

    /**
     * An algorithm and the math type cuDNN timed (or proposed) it with, which the call sets on its descriptor as
     * PyTorch does (a 2-byte algorithm may need CUDNN_DEFAULT_MATH rather than the requested tensor-op math); strict
     * float32 keeps FMA math whatever was reported.
     */
    private record Choice(int algo, int math) {
    }

    LegacyConvolutionCalls(CudaDevice gpu) {
        this.gpu = gpu;
    }

    /** The descriptors of one convolution; closed after the call. */
    private final class Descriptors implements AutoCloseable {
        final cudnnTensorDescriptor x = new cudnnTensorDescriptor();
        final cudnnFilterDescriptor w = new cudnnFilterDescriptor();
        final cudnnTensorDescriptor y = new cudnnTensorDescriptor();
        final cudnnConvolutionDescriptor conv = new cudnnConvolutionDescriptor();

        private final int type;
        private final boolean strict; // float32 without TF32: FMA math only

        Descriptors(DType dtype, Shape xs, Shape ws, Shape ys, ConvParams p) {
            type = CudnnConv2d.dataType(dtype);
            strict = dtype == DType.F32 && !gpu.options().tf32();
            CudaStatus.cudnn(JCudnn.cudnnCreateTensorDescriptor(x), "cudnnCreateTensorDescriptor");
            CudaStatus.cudnn(JCudnn.cudnnCreateFilterDescriptor(w), "cudnnCreateFilterDescriptor");
            CudaStatus.cudnn(JCudnn.cudnnCreateTensorDescriptor(y), "cudnnCreateTensorDescriptor");
            CudaStatus.cudnn(JCudnn.cudnnCreateConvolutionDescriptor(conv), "cudnnCreateConvolutionDescriptor");
            tensor(x, xs);
            tensor(y, ys);
            CudaStatus.cudnn(JCudnn.cudnnSetFilter4dDescriptor(w, type,
                    cudnnTensorFormat.CUDNN_TENSOR_NCHW, dim(ws, 0), dim(ws, 1), dim(ws, 2), dim(ws, 3)),
                    "cudnnSetFilter4dDescriptor");
            CudaStatus.cudnn(JCudnn.cudnnSetConvolution2dDescriptor(conv, p.padH(), p.padW(), p.strideH(), p.strideW(),
                    p.dilationH(), p.dilationW(), cudnnConvolutionMode.CUDNN_CROSS_CORRELATION,
                    cudnnDataType.CUDNN_DATA_FLOAT), "cudnnSetConvolution2dDescriptor");
            CudaStatus.cudnn(JCudnn.cudnnSetConvolutionGroupCount(conv, p.groups()), "cudnnSetConvolutionGroupCount");
            int math = dtype.isLowPrecision() ? cudnnMathType.CUDNN_TENSOR_OP_MATH
                    : strict ? cudnnMathType.CUDNN_FMA_MATH : cudnnMathType.CUDNN_DEFAULT_MATH;
            CudaStatus.cudnn(JCudnn.cudnnSetConvolutionMathType(conv, math), "cudnnSetConvolutionMathType");
        }

        /** Sets the math type {@code choice} was found with (strict float32 keeps FMA) and returns its algorithm. */
        int use(Choice choice) {
            if (!strict) {
                CudaStatus.cudnn(JCudnn.cudnnSetConvolutionMathType(conv, choice.math()),
                        "cudnnSetConvolutionMathType(" + choice.math() + ")");
            }
            return choice.algo();
        }

        private void tensor(cudnnTensorDescriptor d, Shape s) {
            CudaStatus.cudnn(JCudnn.cudnnSetTensor4dDescriptor(d, cudnnTensorFormat.CUDNN_TENSOR_NCHW,
                    type, dim(s, 0), dim(s, 1), dim(s, 2), dim(s, 3)),
                    "cudnnSetTensor4dDescriptor");
        }

        @Override
        public void close() {
            JCudnn.cudnnDestroyConvolutionDescriptor(conv);
            JCudnn.cudnnDestroyTensorDescriptor(y);
            JCudnn.cudnnDestroyFilterDescriptor(w);
            JCudnn.cudnnDestroyTensorDescriptor(x);
        }
    }

    @Override
    public void forward(Tensor x, Tensor w, ConvParams p, Tensor y, boolean accumulate) {
        try (Descriptors d = new Descriptors(y.dtype(), x.shape(), w.shape(), y.shape(), p)) {
            int algo = d.use(algorithms.computeIfAbsent(key("fwd", y.dtype(), x.shape(), w.shape(), p),
                    k -> forwardAlgo(d)));
            tracePath(algo, y.dtype());
            long[] bytes = new long[1];
            CudaStatus.cudnn(JCudnn.cudnnGetConvolutionForwardWorkspaceSize(gpu.cudnn(), d.x, d.w, d.conv, d.y, algo,
                    bytes), "cudnnGetConvolutionForwardWorkspaceSize");
            ConvolutionCalls.withWorkspace(gpu, bytes[0], ws -> CudaStatus.cudnn(JCudnn.cudnnConvolutionForward(
                    gpu.cudnn(), ONE, d.x, pointer(x), d.w, pointer(w), d.conv, algo, ws, bytes[0],
                    accumulate ? ONE : ZERO, d.y, pointer(y)), "cudnnConvolutionForward(algo " + algo + ")"));
        }
    }

    @Override
    public void backwardData(Tensor dy, Tensor w, ConvParams p, Tensor dx) {
        try (Descriptors d = new Descriptors(dx.dtype(), dx.shape(), w.shape(), dy.shape(), p)) {
            int algo = d.use(algorithms.computeIfAbsent(key("bwd-data", dx.dtype(), dx.shape(), w.shape(), p),
                    k -> backwardDataAlgo(d)));
            tracePath(algo, dx.dtype());
            long[] bytes = new long[1];
            CudaStatus.cudnn(JCudnn.cudnnGetConvolutionBackwardDataWorkspaceSize(gpu.cudnn(), d.w, d.y, d.conv, d.x,
                    algo, bytes), "cudnnGetConvolutionBackwardDataWorkspaceSize");
            ConvolutionCalls.withWorkspace(gpu, bytes[0], ws -> CudaStatus.cudnn(JCudnn.cudnnConvolutionBackwardData(
                    gpu.cudnn(), ONE, d.w, pointer(w), d.y, pointer(dy), d.conv, algo, ws, bytes[0], ZERO, d.x,
                    pointer(dx)), "cudnnConvolutionBackwardData(algo " + algo + ")"));
        }
    }

    @Override
    public void backwardFilter(Tensor x, Tensor dy, ConvParams p, Tensor dw) {
        try (Descriptors d = new Descriptors(dw.dtype(), x.shape(), dw.shape(), dy.shape(), p)) {
            int algo = d.use(algorithms.computeIfAbsent(key("bwd-filter", dw.dtype(), x.shape(), dw.shape(), p),
                    k -> backwardFilterAlgo(d)));
            tracePath(algo, dw.dtype());
            long[] bytes = new long[1];
            CudaStatus.cudnn(JCudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize(gpu.cudnn(), d.x, d.y, d.conv, d.w,
                    algo, bytes), "cudnnGetConvolutionBackwardFilterWorkspaceSize");
            ConvolutionCalls.withWorkspace(gpu, bytes[0], ws -> CudaStatus.cudnn(
                    JCudnn.cudnnConvolutionBackwardFilter(gpu.cudnn(), ONE, d.x, pointer(x), d.y, pointer(dy), d.conv,
                            algo, ws, bytes[0], ZERO, d.w, pointer(dw)),
                    "cudnnConvolutionBackwardFilter(algo " + algo + ")"));
        }
    }

    /** Names the chosen cuDNN algorithm in the kernel trace, when it is on, and the 2-byte type it computed in. */
    private static void tracePath(int algo, DType dtype) {
        if (KernelTrace.on()) {
            KernelTrace.path("cudnn algo " + algo + (dtype.isLowPrecision() ? " " + dtype : ""));
        }
    }

    private Choice forwardAlgo(Descriptors d) {
        cudnnConvolutionFwdAlgoPerf[] perf = new cudnnConvolutionFwdAlgoPerf[CANDIDATES];
        for (int i = 0; i < perf.length; i++) {
            perf[i] = new cudnnConvolutionFwdAlgoPerf();
        }
        int[] count = new int[1];
        if (gpu.options().deterministic()) {
            CudaStatus.cudnn(JCudnn.cudnnGetConvolutionForwardAlgorithm_v7(gpu.cudnn(), d.x, d.w, d.conv, d.y,
                    CANDIDATES, count, perf), "cudnnGetConvolutionForwardAlgorithm_v7");
        } else {
            gpu.requireNotCapturing("cuDNN's algorithm search for a new convolution");
            freeCacheForTrials();
            CudaStatus.cudnn(JCudnn.cudnnFindConvolutionForwardAlgorithm(gpu.cudnn(), d.x, d.w, d.conv, d.y, CANDIDATES,
                    count, perf), "cudnnFindConvolutionForwardAlgorithm");
        }
        for (int i = 0; i < count[0]; i++) {
            if (usable(perf[i].status, perf[i].determinism)) {
                return new Choice(perf[i].algo, perf[i].mathType);
            }
        }
        throw new CudaCallException("cuDNN offers no usable forward convolution algorithm for these shapes");
    }

    private Choice backwardDataAlgo(Descriptors d) {
        cudnnConvolutionBwdDataAlgoPerf[] perf = new cudnnConvolutionBwdDataAlgoPerf[CANDIDATES];
        for (int i = 0; i < perf.length; i++) {
            perf[i] = new cudnnConvolutionBwdDataAlgoPerf();
        }
        int[] count = new int[1];
        if (gpu.options().deterministic()) {
            CudaStatus.cudnn(JCudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(gpu.cudnn(), d.w, d.y, d.conv, d.x,
                    CANDIDATES, count, perf), "cudnnGetConvolutionBackwardDataAlgorithm_v7");
        } else {
            gpu.requireNotCapturing("cuDNN's algorithm search for a new convolution");
            freeCacheForTrials();
            CudaStatus.cudnn(JCudnn.cudnnFindConvolutionBackwardDataAlgorithm(gpu.cudnn(), d.w, d.y, d.conv, d.x,
                    CANDIDATES, count, perf), "cudnnFindConvolutionBackwardDataAlgorithm");
        }
        for (int i = 0; i < count[0]; i++) {
            if (usable(perf[i].status, perf[i].determinism)) {
                return new Choice(perf[i].algo, perf[i].mathType);
            }
        }
        throw new CudaCallException("cuDNN offers no usable backward-data convolution algorithm for these shapes"
                + (gpu.options().deterministic() ? " in deterministic mode" : ""));
    }

    private Choice backwardFilterAlgo(Descriptors d) {
        cudnnConvolutionBwdFilterAlgoPerf[] perf = new cudnnConvolutionBwdFilterAlgoPerf[CANDIDATES];
        for (int i = 0; i < perf.length; i++) {
            perf[i] = new cudnnConvolutionBwdFilterAlgoPerf();
        }
        int[] count = new int[1];
        if (gpu.options().deterministic()) {
            CudaStatus.cudnn(JCudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(gpu.cudnn(), d.x, d.y, d.conv, d.w,
                    CANDIDATES, count, perf), "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
        } else {
            gpu.requireNotCapturing("cuDNN's algorithm search for a new convolution");
            freeCacheForTrials();
            CudaStatus.cudnn(JCudnn.cudnnFindConvolutionBackwardFilterAlgorithm(gpu.cudnn(), d.x, d.y, d.conv, d.w,
                    CANDIDATES, count, perf), "cudnnFindConvolutionBackwardFilterAlgorithm");
        }
        for (int i = 0; i < count[0]; i++) {
            if (usable(perf[i].status, perf[i].determinism)) {
                return new Choice(perf[i].algo, perf[i].mathType);
            }
        }
        throw new CudaCallException("cuDNN offers no usable backward-filter convolution algorithm for these shapes"
                + (gpu.options().deterministic() ? " in deterministic mode" : ""));
    }

    /**
     * cudnnFind* times each algorithm with workspace it allocates itself, outside our caching allocator; once per
     * shape, so the allocator's cached blocks are handed back to the device first, or the trials could find too
     * little free memory and skip the algorithms that need a workspace.
     */
    private void freeCacheForTrials() {
        gpu.allocator().releaseCache();
    }

    /** A candidate that ran (status 0) and, in deterministic mode, is deterministic. */
    private boolean usable(int status, int determinism) {
        return status == 0 && (!gpu.options().deterministic() || determinism == cudnnDeterminism.CUDNN_DETERMINISTIC);
    }

    private static String key(String direction, DType dtype, Shape x, Shape w, ConvParams p) {
        return direction + " " + dtype + " " + x + " " + w + " " + p;
    }

    private static int dim(Shape s, int axis) {
        return CudnnSoftmax.toInt(s.dim(axis));
    }
}
