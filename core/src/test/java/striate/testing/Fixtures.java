package striate.testing;

import java.util.List;
import striate.op.Conv2dOp;
import striate.op.ConvParams;
import striate.op.Pool2dOp;
import striate.op.PoolMode;
import striate.op.PoolParams;
import striate.op.RandomUniformOp;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Deterministic test inputs and the shapes backends are checked on: tiny, odd (7, 33, 1025: not multiples of
 * a vector width or a block), LeNet-5's (LeCun et al., 1998) and AlexNet's first stage (Krizhevsky et al.,
 * 2012) with a reduced image so tests stay fast. Values come from {@link RandomUniformOp#uniform} of
 * (seed, index), rounded to float32 once, so the same call gives the same tensor on every device.
 */
public final class Fixtures {
    /** Sizes that are not multiples of any vector width or block. */
    public static final long[] ODD_SIZES = {7, 33, 1025};

    /** A convolution: x [n, c, h, w], w [k, c/groups, kh, kw]. */
    public record ConvShape(String name, Shape x, Shape w, ConvParams params) {
        /** y [n, k, oh, ow]. */
        public Shape y() {
            return new Conv2dOp(params).inferShape(x, w);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A pooling window over x [n, c, h, w]; the mode is chosen by the test. */
    public record PoolShape(String name, Shape x, PoolParams params) {
        /** y [n, c, oh, ow]. */
        public Shape y() {
            return new Pool2dOp(PoolMode.MAX, params).inferShape(x);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A fully connected layer as PyTorch lays it out: x [n, in], w [out, in], y [n, out]. */
    public record DenseShape(String name, long n, long in, long out) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Local response normalization across channels (AlexNet §3.3) on x [n, c, h, w]. */
    public record LrnShape(String name, Shape x, int size, double alpha, double beta, double k) {
        @Override
        public String toString() {
            return name;
        }
    }

    public static final ConvShape TINY_CONV = new ConvShape("tiny conv 2x2", Shape.of(1, 1, 3, 3),
            Shape.of(1, 1, 2, 2), ConvParams.of(1, 0));
    public static final ConvShape ODD_CONV = new ConvShape("odd conv 3x3/2 pad 1", Shape.of(2, 3, 33, 7),
            Shape.of(5, 3, 3, 3), ConvParams.of(2, 1));
    public static final ConvShape GROUPED_CONV = new ConvShape("odd conv groups 2 dilation 2x1",
            Shape.of(1, 4, 9, 7), Shape.of(6, 2, 3, 2), new ConvParams(1, 2, 1, 0, 2, 1, 2));
    /** LeNet C1: 1 → 6 channels, 5x5, pad 2 on 28x28. */
    public static final ConvShape LENET_C1 = new ConvShape("LeNet C1 1→6 5x5 pad 2", Shape.of(2, 1, 28, 28),
            Shape.of(6, 1, 5, 5), ConvParams.of(1, 2));
    /** LeNet C3: 6 → 16 channels, 5x5 on 14x14. */
    public static final ConvShape LENET_C3 = new ConvShape("LeNet C3 6→16 5x5", Shape.of(2, 6, 14, 14),
            Shape.of(16, 6, 5, 5), ConvParams.of(1, 0));
    /** LeNet C3 on a batch of 17: several images share one GEMM panel, the last panel is ragged. */
    public static final ConvShape LENET_C3_BATCH = new ConvShape("LeNet C3 6→16 5x5, batch 17",
            Shape.of(17, 6, 14, 14), Shape.of(16, 6, 5, 5), ConvParams.of(1, 0));
    /** LeNet C5: 16 → 120 channels, 5x5 on 5x5 (y is 1x1), batch 19: few pixels, many images per panel. */
    public static final ConvShape LENET_C5_BATCH = new ConvShape("LeNet C5 16→120 5x5, batch 19",
            Shape.of(19, 16, 5, 5), Shape.of(120, 16, 5, 5), ConvParams.of(1, 0));
    /** C5 at a batch where its matrix product (700·120·400 multiply-adds) is large enough for a native GEMM. */
    public static final ConvShape LENET_C5_BATCH_700 = new ConvShape("LeNet C5 16→120 5x5, batch 700",
            Shape.of(700, 16, 5, 5), Shape.of(120, 16, 5, 5), ConvParams.of(1, 0));
    /** Groups and dilation with few output pixels per image over a batch of 17. */
    public static final ConvShape GROUPED_CONV_BATCH = new ConvShape("odd conv groups 2 dilation 2x1, batch 17",
            Shape.of(17, 4, 9, 7), Shape.of(6, 2, 3, 2), new ConvParams(1, 2, 1, 0, 2, 1, 2));
    /** LeNet C1 on a batch of 17: the CPU's direct kernel, several images per panel, a ragged last panel. */
    public static final ConvShape LENET_C1_BATCH = new ConvShape("LeNet C1 1→6 5x5 pad 2, batch 17",
            Shape.of(17, 1, 28, 28), Shape.of(6, 1, 5, 5), ConvParams.of(1, 2));
    /** Three input channels, 5 outputs (a block of 4 and one more), rows of 19 (a partial vector), pad 1. */
    public static final ConvShape ODD_DIRECT_CONV = new ConvShape("odd direct conv 3→5 3x3 pad 1, rows of 19",
            Shape.of(3, 3, 11, 19), Shape.of(5, 3, 3, 3), new ConvParams(1, 1, 1, 1, 1, 1, 1));
    /**
     * Direct conv with rows of 12: narrower than a 16-lane vector (a partial store on AVX-512), one vector and a
     * shifted, overlapping one with 8 lanes (AVX2).
     */
    public static final ConvShape NARROW_DIRECT_CONV = new ConvShape("direct conv 2→6 3x3 pad 1, rows of 12",
            Shape.of(2, 2, 9, 12), Shape.of(6, 2, 3, 3), new ConvParams(1, 1, 1, 1, 1, 1, 1));
    /** 16 outputs (two 8-lane vectors), stride 2, pad 1, 7×6 outputs: blocks of four pixels and two left over. */
    public static final ConvShape PIXEL_CONV = new ConvShape("pixel conv 5→16 3x3/2 pad 1, batch 3",
            Shape.of(3, 5, 13, 11), Shape.of(16, 5, 3, 3), ConvParams.of(2, 1));
    /** 8 outputs (one 8-lane vector), pad 1, 63 outputs per image (three left over); 32 outputs on 4×4 maps. */
    public static final ConvShape PIXEL_CONV_8 = new ConvShape("pixel conv 2→8 3x3 pad 1", Shape.of(2, 2, 9, 7),
            Shape.of(8, 2, 3, 3), ConvParams.of(1, 1));
    public static final ConvShape PIXEL_CONV_32 = new ConvShape("pixel conv 4→32 3x3, batch 2", Shape.of(2, 4, 6, 6),
            Shape.of(32, 4, 3, 3), ConvParams.of(1, 0));
    /**
     * Large enough per image and group (48 · 1600 · 600 multiply-adds) for a backend's large-GEMM path, such as the
     * CPU's convolution that packs its columns straight from the image; two groups, stride 1 (runs copied whole).
     */
    public static final ConvShape LARGE_GROUPED_CONV = new ConvShape("large conv 48→96 5x5 pad 2, 2 groups, 40x40",
            Shape.of(2, 48, 40, 40), Shape.of(96, 24, 5, 5), new ConvParams(1, 1, 2, 2, 1, 1, 2));
    /** The same path with stride 2 and dilation 2 (128 · 1024 · 288 multiply-adds), y is 32x32. */
    public static final ConvShape LARGE_STRIDED_CONV = new ConvShape(
            "large conv 32→128 3x3/2 pad 2 dilation 2, 64x64", Shape.of(1, 32, 64, 64), Shape.of(128, 32, 3, 3),
            new ConvParams(2, 2, 2, 2, 2, 2, 1));
    /** A DCGAN generator layer 128 → 64, 4x4/2 pad 1, 8x8 → 16x16, seen as the convolution it transposes. */
    public static final ConvShape DCGAN_CONV = new ConvShape("DCGAN 64→128 4x4/2 pad 1 (16x16, transposed 8→16)",
            Shape.of(2, 64, 16, 16), Shape.of(128, 64, 4, 4), ConvParams.of(2, 1));
    /** The Fashion-MNIST DCGAN's 4x4/2 pad 1 on 14x14 → 7x7: D's second conv, G's 7 → 14 layer transposed. */
    public static final ConvShape DCGAN_FASHION_CONV = new ConvShape("DCGAN 128→256 4x4/2 pad 1 (14x14 → 7x7)",
            Shape.of(2, 128, 14, 14), Shape.of(256, 128, 4, 4), ConvParams.of(2, 1));
    /** The Fashion-MNIST DCGAN's 28x28 → 14x14 with one input channel: D's first conv, G's last layer transposed. */
    public static final ConvShape DCGAN_FASHION_EDGE_CONV = new ConvShape("DCGAN 1→128 4x4/2 pad 1 (28x28 → 14x14)",
            Shape.of(3, 1, 28, 28), Shape.of(128, 1, 4, 4), ConvParams.of(2, 1));
    /** 3x3/2 pad 1 on 10x8: a last row and column no output reads, as a transposed conv's output_padding 1 makes. */
    public static final ConvShape OUTPUT_PADDING_CONV = new ConvShape("conv 3→4 3x3/2 pad 1, 10x8 (output_padding 1)",
            Shape.of(2, 3, 10, 8), Shape.of(4, 3, 3, 3), ConvParams.of(2, 1));
    /** AlexNet conv1: 3 → 64 channels, 11x11 stride 4 pad 2, on 63x63 instead of 224x224 (y is 15x15). */
    public static final ConvShape ALEXNET_CONV1 = new ConvShape("AlexNet conv1 3→64 11x11/4 pad 2 (63x63)",
            Shape.of(1, 3, 63, 63), Shape.of(64, 3, 11, 11), ConvParams.of(4, 2));

    public static final PoolShape TINY_POOL = new PoolShape("tiny pool 2x2/2", Shape.of(1, 1, 4, 4),
            PoolParams.of(2, 2));
    public static final PoolShape ODD_POOL = new PoolShape("odd pool 3x3/2 pad 1 exclude pad", Shape.of(1, 2, 7, 33),
            new PoolParams(3, 3, 2, 2, 1, 1, false));
    /** LeNet S2: 2x2/2 on C1's output. */
    public static final PoolShape LENET_S2 = new PoolShape("LeNet S2 2x2/2", Shape.of(2, 6, 28, 28),
            PoolParams.of(2, 2));
    /** S2 over 42 planes: a backend that pools groups of planes gets several groups, the last one short. */
    public static final PoolShape LENET_S2_BATCH = new PoolShape("LeNet S2 2x2/2, batch 7", Shape.of(7, 6, 28, 28),
            PoolParams.of(2, 2));
    /** LeNet S4: 2x2/2 on C3's output. */
    public static final PoolShape LENET_S4 = new PoolShape("LeNet S4 2x2/2", Shape.of(2, 16, 10, 10),
            PoolParams.of(2, 2));
    /** AlexNet's overlapping 3x3/2 pool on conv1's (reduced) output. */
    public static final PoolShape ALEXNET_POOL1 = new PoolShape("AlexNet pool1 3x3/2", Shape.of(1, 64, 15, 15),
            PoolParams.of(3, 2));

    public static final DenseShape TINY_DENSE = new DenseShape("tiny dense 1→1", 1, 1, 1);
    public static final DenseShape ODD_DENSE = new DenseShape("odd dense 1025→33", 7, 1025, 33);
    public static final DenseShape LENET_F5 = new DenseShape("LeNet F5 400→120", 2, 400, 120);
    public static final DenseShape LENET_F6 = new DenseShape("LeNet F6 120→84", 2, 120, 84);
    public static final DenseShape LENET_OUT = new DenseShape("LeNet output 84→10", 2, 84, 10);

    /** AlexNet's LRN (size 5, α = 1e-4, β = 0.75, k = 2) on conv1's (reduced) output. */
    public static final LrnShape ALEXNET_LRN = new LrnShape("AlexNet LRN size 5", Shape.of(1, 64, 15, 15), 5, 1e-4,
            0.75, 2);

    private Fixtures() {
    }

    public static List<ConvShape> convs() {
        return List.of(TINY_CONV, ODD_CONV, GROUPED_CONV, LENET_C1, LENET_C3, ALEXNET_CONV1, LENET_C3_BATCH,
                LENET_C5_BATCH, LENET_C5_BATCH_700, GROUPED_CONV_BATCH, LENET_C1_BATCH, ODD_DIRECT_CONV, NARROW_DIRECT_CONV, PIXEL_CONV,
                PIXEL_CONV_8, PIXEL_CONV_32, LARGE_GROUPED_CONV, LARGE_STRIDED_CONV, DCGAN_CONV, DCGAN_FASHION_CONV,
                DCGAN_FASHION_EDGE_CONV, OUTPUT_PADDING_CONV);
    }

    public static List<PoolShape> pools() {
        return List.of(TINY_POOL, ODD_POOL, LENET_S2, LENET_S2_BATCH, LENET_S4, ALEXNET_POOL1);
    }

    public static List<DenseShape> denses() {
        return List.of(TINY_DENSE, ODD_DENSE, LENET_F5, LENET_F6, LENET_OUT);
    }

    /** {@code count} values uniform in [low, high), each rounded to float32. */
    public static double[] values(long seed, long count, double low, double high) {
        double[] v = new double[Math.toIntExact(count)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (low + (high - low) * RandomUniformOp.uniform(seed, i));
        }
        return v;
    }

    /** A float32 tensor on {@code device}, uniform in [low, high); a scalar when no dims are given. */
    public static Tensor uniform(Device device, long seed, double low, double high, long... dims) {
        return Tensor.of(device, DType.F32, values(seed, Shape.of(dims).size(), low, high), dims);
    }

    /** A float32 tensor uniform in [−1, 1). */
    public static Tensor uniform(Device device, long seed, Shape shape) {
        return uniform(device, seed, -1, 1, shape.dims());
    }

    /** Whole numbers in [−levels, levels] as float32: inputs with ties and zeros, for comparisons and kinks. */
    public static Tensor grid(Device device, long seed, int levels, long... dims) {
        double[] v = values(seed, Shape.of(dims).size(), 0, 1);
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.min(2 * levels, Math.floor(v[i] * (2 * levels + 1))) - levels;
        }
        return Tensor.of(device, DType.F32, v, dims);
    }

    /** A float32 tensor of zeros and ones (about half each). */
    public static Tensor mask(Device device, long seed, long... dims) {
        double[] v = values(seed, Shape.of(dims).size(), 0, 1);
        for (int i = 0; i < v.length; i++) {
            v[i] = v[i] < 0.5 ? 0 : 1;
        }
        return Tensor.of(device, DType.F32, v, dims);
    }

    /** {@code n} int32 class labels in [0, classes). */
    public static Tensor labels(Device device, long seed, int n, int classes) {
        double[] u = values(seed, n, 0, 1);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = Math.min(classes - 1, (int) (u[i] * classes));
        }
        return Tensor.ofInts(device, y, n);
    }
}
