package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import striate.op.ConvParams;
import striate.tensor.DType;
import striate.tensor.Shape;
import striate.testing.Fixtures;
import striate.testing.Fixtures.ConvShape;

/**
 * The convolution nodes of cuDNN's graph API as {@link GraphConvolutionCalls} builds them, finalized by cuDNN itself:
 * this needs libcudnn.so.9 on the library path but no GPU (tensors, the convolution and its operation are checked on
 * the host), so the attribute names, types, counts and values are tested wherever cuDNN is installed. Skips, with
 * the probe's hint, where it is not (as in CI). Without a GPU: {@code pip download nvidia-cudnn-cu13}, unpack the
 * wheel, and run with {@code LD_LIBRARY_PATH=<wheel>/nvidia/cudnn/lib}.
 */
class CudnnGraphNodeTest {
    private static final List<ConvShape> SHAPES = List.of(Fixtures.ALEXNET_CONV1, Fixtures.LENET_C3_BATCH,
            Fixtures.GROUPED_CONV_BATCH, Fixtures.ODD_CONV, Fixtures.TINY_CONV);
    /** Operand addresses aligned 16, 256 and 4 bytes. */
    private static final long[] ADDRESSES = {0x7f00_0000_0010L, 0x7f00_0000_0100L, 0x7f00_0000_0204L};

    @BeforeEach
    void needsCudnn() {
        Gpu.requireCudnn();
    }

    @Test
    void everyDirectionTypeAndShapeIsAcceptedByCudnn() {
        int finalized = 0;
        for (GraphConvolutionCalls.Direction d : GraphConvolutionCalls.Direction.values()) {
            for (DType t : new DType[] {DType.F32, DType.BF16, DType.F16}) {
                for (ConvShape c : SHAPES) {
                    for (boolean accumulate : d == GraphConvolutionCalls.Direction.FORWARD ? new boolean[] {false, true}
                            : new boolean[] {false}) {
                        List<CudnnDescriptor> keep = new ArrayList<>();
                        try {
                            GraphConvolutionCalls.convolution(d, t, c.x(), c.w(), c.y(), c.params(), accumulate,
                                    ADDRESSES, keep);
                            finalized++;
                        } finally {
                            keep.forEach(CudnnDescriptor::close);
                        }
                    }
                }
            }
        }
        assertTrue(finalized == 4 * 3 * SHAPES.size(), finalized + " nodes");
    }

    @Test
    void anOutputOfTheWrongShapeIsRefusedByName() {
        List<CudnnDescriptor> keep = new ArrayList<>();
        try {
            CudaCallException e = assertThrows(CudaCallException.class, () -> GraphConvolutionCalls.convolution(
                    GraphConvolutionCalls.Direction.FORWARD, DType.F32, Shape.of(2, 3, 8, 8), Shape.of(4, 3, 3, 3),
                    Shape.of(2, 4, 7, 7), ConvParams.of(1, 0), false, ADDRESSES, keep));
            assertTrue(e.getMessage().startsWith("cudnnBackendFinalize(convolution fwd) failed: "), e.getMessage());
        } finally {
            keep.forEach(CudnnDescriptor::close);
        }
    }
}
