package striate.cuda;

import java.util.function.Consumer;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import striate.op.ConvParams;
import striate.tensor.Tensor;

/**
 * cuDNN's three convolution calls on contiguous NCHW tensors of one type (float32, bfloat16 or float16; float32
 * compute), each writing its whole output (alpha 1, beta 0): y = conv(x, w), dx from dy and w, dw from x and dy; the
 * forward call may instead add to what y holds (beta 1: y = conv(x, w) + y, summed in float32 in cuDNN's epilogue).
 * {@link CudnnConv2d} does the op-level work (type checks, bias and ReLU) and hands the call to the interface the
 * backend's options name ({@link CudnnApi}).
 */
interface ConvolutionCalls {
    /** y = conv(x, w), or conv(x, w) + y when {@code accumulate}. */
    void forward(Tensor x, Tensor w, ConvParams p, Tensor y, boolean accumulate);

    void backwardData(Tensor dy, Tensor w, ConvParams p, Tensor dx);

    void backwardFilter(Tensor x, Tensor dy, ConvParams p, Tensor dw);

    /** Runs {@code body} with {@code bytes} of device workspace from the caching allocator (null for none). */
    static void withWorkspace(CudaDevice gpu, long bytes, Consumer<Pointer> body) {
        if (bytes == 0) {
            body.accept(null);
            return;
        }
        CachingAllocator.Block<CUdeviceptr> block = gpu.allocator().allocate(bytes);
        try {
            body.accept(block.handle());
        } finally {
            gpu.allocator().free(block); // stream-ordered: later users queue behind this call
        }
    }
}
