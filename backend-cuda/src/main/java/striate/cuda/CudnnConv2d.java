package striate.cuda;

import static striate.cuda.CudaBackend.contiguous;
import static striate.cuda.CudaBackend.pointer;

import java.util.HashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
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
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.ConvParams;
import striate.tensor.DType;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Convolution forward, backward data and backward filter on cuDNN (cross-correlation, NCHW, groups, dilation).
 * The algorithm of each (direction, shapes, params) is chosen once and remembered: by timing the candidates
 * ({@code cudnnFind*}) normally, and, in deterministic mode, as cuDNN's first heuristic choice ({@code *_v7})
 * whose results are deterministic, so a run repeats bit for bit. Workspace comes from the caching allocator.
 * Float32: FMA math (plain float32) unless TF32 was asked for. bfloat16 or float16 (every operand and the output
 * one type): tensors and filters of CUDNN_DATA_BFLOAT16 or CUDNN_DATA_HALF, float32 compute type and
 * CUDNN_TENSOR_OP_MATH, so cuDNN may pick its tensor-core kernels; the algorithm choice is remembered per type. A fused
 * op's bias and ReLU run as one in-place kernel on the output (cuDNN's own fused call,
 * cudnnConvolutionBiasActivationForward, takes only some algorithms). In a 2-byte type that output is already
 * rounded, so only a ReLU may follow natively (it commutes with rounding); a forward convolution with a bias is
 * widened instead ({@link #nativeForward}).
 */
final class CudnnConv2d {
    private static final Pointer ONE = Pointer.to(new float[] {1});
    private static final Pointer ZERO = Pointer.to(new float[] {0});
    private static final int CANDIDATES = 8;

    private final CudaDevice gpu;
    private final Map<String, Integer> algorithms = new HashMap<>();

    CudnnConv2d(CudaDevice gpu) {
        this.gpu = gpu;
    }

    /** The descriptors of one convolution; closed after the call. */
    private final class Descriptors implements AutoCloseable {
        final cudnnTensorDescriptor x = new cudnnTensorDescriptor();
        final cudnnFilterDescriptor w = new cudnnFilterDescriptor();
        final cudnnTensorDescriptor y = new cudnnTensorDescriptor();
        final cudnnConvolutionDescriptor conv = new cudnnConvolutionDescriptor();

        private final int type;

        Descriptors(DType dtype, Shape xs, Shape ws, Shape ys, ConvParams p) {
            type = dataType(dtype);
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
                    : gpu.options().tf32() ? cudnnMathType.CUDNN_DEFAULT_MATH : cudnnMathType.CUDNN_FMA_MATH;
            CudaStatus.cudnn(JCudnn.cudnnSetConvolutionMathType(conv, math), "cudnnSetConvolutionMathType");
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

    /**
     * Whether a forward convolution runs in its 2-byte type on cuDNN: as every product
     * ({@link CudaBackend#lowPrecisionProduct}), and without a bias.
     * cuDNN's legacy calls round the product to the output's type before a bias could be added, and a second
     * rounding after the bias can miss the once-rounded sum by half a unit of the product when the two nearly cancel;
     * a biased one is widened (float32 on cuDNN, rounded once), as the reference's numerics require.
     */
    static boolean nativeForward(Conv2dOp op, Tensor[] in, Tensor out) {
        return !op.bias() && CudaBackend.lowPrecisionProduct(op, in, out);
    }

    void forward(Conv2dOp op, Tensor[] in, Tensor out) {
        CudaElementwise.requireOneType(op.name(), in, out);
        if (op.bias() && out.dtype().isLowPrecision()) {
            throw new IllegalStateException(op.name() + " in " + out.dtype() + " reached cuDNN with its bias; "
                    + "CudaBackend widens a biased 2-byte convolution (CudnnConv2d.nativeForward)");
        }
        Tensor x = contiguous(in[0]);
        Tensor w = contiguous(in[1]);
        try (Descriptors d = new Descriptors(out.dtype(), x.shape(), w.shape(), out.shape(), op.params())) {
            int algo = algorithms.computeIfAbsent(key("fwd", out.dtype(), x.shape(), w.shape(), op.params()),
                    k -> forwardAlgo(d));
            tracePath(algo, out.dtype());
            long[] bytes = new long[1];
            CudaStatus.cudnn(JCudnn.cudnnGetConvolutionForwardWorkspaceSize(gpu.cudnn(), d.x, d.w, d.conv, d.y, algo,
                    bytes), "cudnnGetConvolutionForwardWorkspaceSize");
            withWorkspace(bytes[0], ws -> CudaStatus.cudnn(JCudnn.cudnnConvolutionForward(gpu.cudnn(), ONE, d.x,
                    pointer(x), d.w, pointer(w), d.conv, algo, ws, bytes[0], ZERO, d.y, pointer(out)),
                    "cudnnConvolutionForward(algo " + algo + ")"));
        }
        if (out.dtype().isLowPrecision()) {
            if (op.relu()) { // in place on the rounded product: ReLU commutes with rounding
                gpu.launch(Symbols.convRelu(out.dtype()), out.size(), new LaunchArgs().i64(out.size())
                        .ptr(pointer(out)));
            }
        } else if (op.bias() || op.relu()) { // one more pass, in place, instead of a broadcast add and a ReLU
            Tensor b = op.bias() ? contiguous(in[2]) : out; // out stands in for an unread bias pointer
            long plane = out.dim(2) * out.dim(3);
            gpu.launch(Symbols.CONV_BIAS_RELU, out.size(), new LaunchArgs().i64(out.size()).i32((int) out.dim(1))
                    .i64(plane).ptr(pointer(b)).i32(op.bias() ? 1 : 0).i32(op.relu() ? 1 : 0).ptr(pointer(out)));
        }
    }

    void backwardData(Conv2dBackwardDataOp op, Tensor[] in, Tensor out) {
        CudaElementwise.requireOneType(op.name(), in, out);
        Tensor dy = contiguous(in[0]);
        Tensor w = contiguous(in[1]);
        try (Descriptors d = new Descriptors(out.dtype(), out.shape(), w.shape(), dy.shape(), op.params())) {
            int algo = algorithms.computeIfAbsent(key("bwd-data", out.dtype(), out.shape(), w.shape(), op.params()),
                    k -> backwardDataAlgo(d));
            tracePath(algo, out.dtype());
            long[] bytes = new long[1];
            CudaStatus.cudnn(JCudnn.cudnnGetConvolutionBackwardDataWorkspaceSize(gpu.cudnn(), d.w, d.y, d.conv, d.x,
                    algo, bytes), "cudnnGetConvolutionBackwardDataWorkspaceSize");
            withWorkspace(bytes[0], ws -> CudaStatus.cudnn(JCudnn.cudnnConvolutionBackwardData(gpu.cudnn(), ONE, d.w,
                    pointer(w), d.y, pointer(dy), d.conv, algo, ws, bytes[0], ZERO, d.x, pointer(out)),
                    "cudnnConvolutionBackwardData(algo " + algo + ")"));
        }
    }

    void backwardFilter(Conv2dBackwardFilterOp op, Tensor[] in, Tensor out) {
        CudaElementwise.requireOneType(op.name(), in, out);
        Tensor x = contiguous(in[0]);
        Tensor dy = contiguous(in[1]);
        try (Descriptors d = new Descriptors(out.dtype(), x.shape(), out.shape(), dy.shape(), op.params())) {
            int algo = algorithms.computeIfAbsent(key("bwd-filter", out.dtype(), x.shape(), out.shape(), op.params()),
                    k -> backwardFilterAlgo(d));
            tracePath(algo, out.dtype());
            long[] bytes = new long[1];
            CudaStatus.cudnn(JCudnn.cudnnGetConvolutionBackwardFilterWorkspaceSize(gpu.cudnn(), d.x, d.y, d.conv, d.w,
                    algo, bytes), "cudnnGetConvolutionBackwardFilterWorkspaceSize");
            withWorkspace(bytes[0], ws -> CudaStatus.cudnn(JCudnn.cudnnConvolutionBackwardFilter(gpu.cudnn(), ONE, d.x,
                    pointer(x), d.y, pointer(dy), d.conv, algo, ws, bytes[0], ZERO, d.w, pointer(out)),
                    "cudnnConvolutionBackwardFilter(algo " + algo + ")"));
        }
    }

    private interface WithWorkspace {
        void run(Pointer workspace);
    }

    private void withWorkspace(long bytes, WithWorkspace body) {
        if (bytes == 0) {
            body.run(null);
            return;
        }
        CachingAllocator.Block<CUdeviceptr> block = gpu.allocator().allocate(bytes);
        try {
            body.run(block.handle());
        } finally {
            gpu.allocator().free(block); // stream-ordered: later users queue behind this call
        }
    }

    /** Names the chosen cuDNN algorithm in the kernel trace, when it is on, and the 2-byte type it computed in. */
    private static void tracePath(int algo, DType dtype) {
        if (KernelTrace.on()) {
            KernelTrace.path("cudnn algo " + algo + (dtype.isLowPrecision() ? " " + dtype : ""));
        }
    }

    private int forwardAlgo(Descriptors d) {
        cudnnConvolutionFwdAlgoPerf[] perf = new cudnnConvolutionFwdAlgoPerf[CANDIDATES];
        for (int i = 0; i < perf.length; i++) {
            perf[i] = new cudnnConvolutionFwdAlgoPerf();
        }
        int[] count = new int[1];
        if (gpu.options().deterministic()) {
            CudaStatus.cudnn(JCudnn.cudnnGetConvolutionForwardAlgorithm_v7(gpu.cudnn(), d.x, d.w, d.conv, d.y,
                    CANDIDATES, count, perf), "cudnnGetConvolutionForwardAlgorithm_v7");
        } else {
            freeCacheForTrials();
            CudaStatus.cudnn(JCudnn.cudnnFindConvolutionForwardAlgorithm(gpu.cudnn(), d.x, d.w, d.conv, d.y, CANDIDATES,
                    count, perf), "cudnnFindConvolutionForwardAlgorithm");
        }
        for (int i = 0; i < count[0]; i++) {
            if (usable(perf[i].status, perf[i].determinism)) {
                return perf[i].algo;
            }
        }
        throw new CudaCallException("cuDNN offers no usable forward convolution algorithm for these shapes");
    }

    private int backwardDataAlgo(Descriptors d) {
        cudnnConvolutionBwdDataAlgoPerf[] perf = new cudnnConvolutionBwdDataAlgoPerf[CANDIDATES];
        for (int i = 0; i < perf.length; i++) {
            perf[i] = new cudnnConvolutionBwdDataAlgoPerf();
        }
        int[] count = new int[1];
        if (gpu.options().deterministic()) {
            CudaStatus.cudnn(JCudnn.cudnnGetConvolutionBackwardDataAlgorithm_v7(gpu.cudnn(), d.w, d.y, d.conv, d.x,
                    CANDIDATES, count, perf), "cudnnGetConvolutionBackwardDataAlgorithm_v7");
        } else {
            freeCacheForTrials();
            CudaStatus.cudnn(JCudnn.cudnnFindConvolutionBackwardDataAlgorithm(gpu.cudnn(), d.w, d.y, d.conv, d.x,
                    CANDIDATES, count, perf), "cudnnFindConvolutionBackwardDataAlgorithm");
        }
        for (int i = 0; i < count[0]; i++) {
            if (usable(perf[i].status, perf[i].determinism)) {
                return perf[i].algo;
            }
        }
        throw new CudaCallException("cuDNN offers no usable backward-data convolution algorithm for these shapes"
                + (gpu.options().deterministic() ? " in deterministic mode" : ""));
    }

    private int backwardFilterAlgo(Descriptors d) {
        cudnnConvolutionBwdFilterAlgoPerf[] perf = new cudnnConvolutionBwdFilterAlgoPerf[CANDIDATES];
        for (int i = 0; i < perf.length; i++) {
            perf[i] = new cudnnConvolutionBwdFilterAlgoPerf();
        }
        int[] count = new int[1];
        if (gpu.options().deterministic()) {
            CudaStatus.cudnn(JCudnn.cudnnGetConvolutionBackwardFilterAlgorithm_v7(gpu.cudnn(), d.x, d.y, d.conv, d.w,
                    CANDIDATES, count, perf), "cudnnGetConvolutionBackwardFilterAlgorithm_v7");
        } else {
            freeCacheForTrials();
            CudaStatus.cudnn(JCudnn.cudnnFindConvolutionBackwardFilterAlgorithm(gpu.cudnn(), d.x, d.y, d.conv, d.w,
                    CANDIDATES, count, perf), "cudnnFindConvolutionBackwardFilterAlgorithm");
        }
        for (int i = 0; i < count[0]; i++) {
            if (usable(perf[i].status, perf[i].determinism)) {
                return perf[i].algo;
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

    /** cuDNN's element type for tensors and filters of {@code dtype}; the compute type stays float32. */
    static int dataType(DType dtype) {
        return switch (dtype) {
            case F32 -> cudnnDataType.CUDNN_DATA_FLOAT;
            case BF16 -> cudnnDataType.CUDNN_DATA_BFLOAT16;
            case F16 -> cudnnDataType.CUDNN_DATA_HALF;
            case F64, I32 -> throw new UnsupportedOperationException("conv2d on cuda computes in float32, bfloat16 "
                    + "or float16, got " + dtype + " (cast with tensor.to(DType.F32))");
        };
    }

    private static int dim(Shape s, int axis) {
        return CudnnSoftmax.toInt(s.dim(axis));
    }
}
