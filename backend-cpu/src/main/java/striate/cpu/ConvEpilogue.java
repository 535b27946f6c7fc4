package striate.cpu;

import java.lang.foreign.MemorySegment;
import striate.op.Conv2dOp;
import striate.tensor.Tensor;

/**
 * A fused convolution's bias and ReLU (y = max(y + b[channel], 0)), applied in place to output planes right after an
 * algorithm wrote them, while they are still in cache; nothing for a plain convolution.
 */
record ConvEpilogue(float[] bias, boolean relu, FloatLoops loops) {
    /** The epilogue of {@code op}, whose bias, when it has one, is {@code in[2]} [k]. */
    static ConvEpilogue of(Conv2dOp op, Tensor[] in, FloatLoops loops) {
        return new ConvEpilogue(op.bias() ? HostFloats.read(in[2]) : null, op.relu(), loops);
    }

    /** Applies it to {@code count} images of y [n, k, oh, ow] from element {@code yi}, one plane at a time. */
    void planes(MemorySegment y, long yi, int count, ConvGeometry g) {
        if (bias == null && !relu) {
            return;
        }
        for (int plane = 0; plane < count * g.k(); plane++) {
            loops.biasRelu(bias == null ? 0 : bias[plane % g.k()], relu, y, yi + (long) plane * g.ohw(), g.ohw());
        }
    }
}
