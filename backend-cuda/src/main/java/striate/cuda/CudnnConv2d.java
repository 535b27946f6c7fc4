package striate.cuda;

import static striate.cuda.CudaBackend.contiguous;
import static striate.cuda.CudaBackend.pointer;

import jcuda.jcudnn.cudnnDataType;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.tensor.DType;
import striate.tensor.Tensor;

/**
 * Convolution forward, backward data and backward filter on cuDNN (cross-correlation, NCHW, groups, dilation).
 * The calls go through the interface the backend's options name ({@link CudnnApi}: {@link LegacyConvolutionCalls} or
 * {@link GraphConvolutionCalls}); each chooses its algorithm or engine once per (direction, type, shapes, params),
 * by timing the candidates normally and, in deterministic mode, as cuDNN's first deterministic choice, so a run
 * repeats bit for bit. Workspace comes from the caching allocator.
 * Float32 computes in plain float32 unless TF32 was asked for; a fused op's bias and ReLU then run as one in-place
 * kernel on the output. bfloat16 or float16 (every operand and the output one type): tensors and filters of that
 * type, float32 compute type, tensor cores allowed; the choice is remembered per type. There a bias is written into
 * the output first and the convolution adds its product to it (beta 1), so cuDNN's float32 epilogue sums the two
 * and rounds once, as the reference does; a ReLU follows in place (it commutes with rounding).
 */
final class CudnnConv2d {
    private final CudaDevice gpu;
    private final ConvolutionCalls calls;

    CudnnConv2d(CudaDevice gpu) {
        this.gpu = gpu;
        this.calls = switch (gpu.options().cudnnApi()) {
            case LEGACY -> new LegacyConvolutionCalls(gpu);
            case GRAPH -> new GraphConvolutionCalls(gpu);
        };
    }

    /** Whether a forward convolution runs in its 2-byte type on cuDNN: as every product does. */
    static boolean nativeForward(Conv2dOp op, Tensor[] in, Tensor out) {
        return CudaBackend.lowPrecisionProduct(op, in, out);
    }

    void forward(Conv2dOp op, Tensor[] in, Tensor out) {
        CudaElementwise.requireOneType(op.name(), in, out);
        if (out.size() == 0) { // an empty batch: cuDNN takes no zero-sized tensor
            return;
        }
        Tensor x = contiguous(in[0]);
        Tensor w = contiguous(in[1]);
        if (out.dtype().isLowPrecision()) {
            if (op.bias()) { // y = b[channel], then y = conv + y in cuDNN's float32 epilogue: one rounding
                gpu.launch(Symbols.convBias(out.dtype()), out.size(), new LaunchArgs().i64(out.size())
                        .i32((int) out.dim(1)).i64(out.dim(2) * out.dim(3)).ptr(contiguous(in[2]))
                        .ptr(pointer(out)));
            }
            calls.forward(x, w, op.params(), out, op.bias());
            if (op.relu()) { // in place on the rounded sum: ReLU commutes with rounding
                gpu.launch(Symbols.convRelu(out.dtype()), out.size(), new LaunchArgs().i64(out.size())
                        .ptr(pointer(out)));
            }
            return;
        }
        calls.forward(x, w, op.params(), out, false);
        if (op.bias() || op.relu()) { // one more pass, in place, instead of a broadcast add and a ReLU
            Tensor b = op.bias() ? contiguous(in[2]) : out; // out stands in for an unread bias pointer
            long plane = out.dim(2) * out.dim(3);
            gpu.launch(Symbols.CONV_BIAS_RELU, out.size(), new LaunchArgs().i64(out.size()).i32((int) out.dim(1))
                    .i64(plane).ptr(b).i32(op.bias() ? 1 : 0).i32(op.relu() ? 1 : 0).ptr(pointer(out)));
        }
    }

    void backwardData(Conv2dBackwardDataOp op, Tensor[] in, Tensor out) {
        CudaElementwise.requireOneType(op.name(), in, out);
        if (out.size() == 0) {
            return;
        }
        calls.backwardData(contiguous(in[0]), contiguous(in[1]), op.params(), out);
    }

    void backwardFilter(Conv2dBackwardFilterOp op, Tensor[] in, Tensor out) {
        CudaElementwise.requireOneType(op.name(), in, out);
        if (in[0].size() == 0 || in[1].size() == 0) { // an empty batch: the gradient sums nothing
            gpu.zero(pointer(out), out.dtype().bytes(), out.size());
            return;
        }
        calls.backwardFilter(contiguous(in[0]), contiguous(in[1]), op.params(), out);
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
}
