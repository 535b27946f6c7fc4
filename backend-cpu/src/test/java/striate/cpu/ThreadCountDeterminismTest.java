package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.op.BatchNormBackwardOp;
import striate.op.BatchNormOp;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.ConvParams;
import striate.op.EmbeddingBackwardOp;
import striate.op.GruCellBackwardOp;
import striate.op.GruCellOp;
import striate.op.GruLayerBackwardOp;
import striate.op.GruLayerOp;
import striate.op.LstmCellBackwardOp;
import striate.op.LstmCellOp;
import striate.op.LstmLayerBackwardOp;
import striate.op.LstmLayerOp;
import striate.op.MatMulOp;
import striate.op.ReduceFn;
import striate.op.ReduceOp;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.Tensor;
import striate.testing.Fixtures;

/** The CPU kernels give bit-identical results with 1, 2 and 3 intra-op threads (fixed chunking of sums). */
class ThreadCountDeterminismTest {
    /** The GEMM the backend would choose here: OpenBLAS from its threshold up where it loads. */
    private static final Sgemm SGEMM = Sgemm.fromSystemProperties(message -> { });

    private static Tensor rand(long seed, long... dims) {
        return Tensor.rand(Device.cpu(), DType.F32, Shape.of(dims), -1, 1, seed);
    }

    private static float[] run(int threads, java.util.function.Function<IntraOpPool, float[]> f) {
        return f.apply(new IntraOpPool(threads));
    }

    @Test
    void convolutionFilterGradientIsThreadCountIndependent() {
        // Column layout (4 channels × 5x5 taps is too many for the direct kernel): 13x11 outputs, panels of two images.
        assertFilterGradientIsThreadCountIndependent(ConvParams.of(1, 2), rand(1, 37, 4, 13, 11),
                rand(2, 37, 5, 13, 11), Shape.of(5, 4, 5, 5));
    }

    @Test
    void directFilterGradientIsThreadCountIndependent() {
        // The direct kernel (3 channels, 5x5, stride 1): per-image dot products, panels added in order.
        assertFilterGradientIsThreadCountIndependent(ConvParams.of(1, 2), rand(5, 37, 3, 13, 11),
                rand(6, 37, 5, 13, 11), Shape.of(5, 3, 5, 5));
    }

    @Test
    void rowLayoutFilterGradientIsThreadCountIndependent() {
        // LeNet C5's filters on 6x6 inputs: 2x2 outputs, so panels of several images in the row layout.
        assertFilterGradientIsThreadCountIndependent(ConvParams.of(1, 0), rand(3, 37, 16, 6, 6),
                rand(4, 37, 120, 2, 2), Shape.of(120, 16, 5, 5));
    }

    @Test
    void wholeInputFilterGradientIsThreadCountIndependent() {
        // LeNet C5's shape, one output pixel: a matrix product dW = dyᵀ·x.
        assertFilterGradientIsThreadCountIndependent(ConvParams.of(1, 0), rand(3, 137, 16, 5, 5),
                rand(4, 137, 120, 1, 1), Shape.of(120, 16, 5, 5));
    }

    private static void assertFilterGradientIsThreadCountIndependent(ConvParams p, Tensor x, Tensor dy, Shape w) {
        Conv2dBackwardFilterOp op = new Conv2dBackwardFilterOp(p, w);
        java.util.function.Function<IntraOpPool, float[]> f = pool -> {
            Tensor out = Tensor.zeros(Device.cpu(), DType.F32, w.dims());
            new CpuConv2d(pool, SGEMM, new CpuMatMul(pool, SGEMM)).backwardFilter().run(op, new Tensor[] {x, dy}, out);
            return out.toFloatArray();
        };
        float[] one = run(1, f);
        assertArrayEquals(one, run(2, f));
        assertArrayEquals(one, run(3, f));
    }

    @Test
    void recurrentCellsAndTheEmbeddingGradientAreThreadCountIndependent() {
        // A PTB-sized step (n 64, h 512: four chunks of rows) and an embedding gradient whose rows sum many positions.
        Tensor gates = rand(20, 64, 2048);
        Tensor c = rand(21, 64, 512);
        Tensor dhc = rand(22, 2, 64, 512);
        Tensor xg = rand(23, 64, 1536);
        Tensor hg = rand(24, 64, 1536);
        Tensor h = rand(25, 64, 512);
        Tensor dh = rand(26, 64, 512);
        Tensor ids = Fixtures.labels(Device.cpu(), 27, 35 * 64, 50).reshape(35, 64);
        Tensor dy = rand(28, 35, 64, 256);
        EmbeddingBackwardOp scatter = new EmbeddingBackwardOp(50, 0);
        java.util.function.Function<IntraOpPool, float[]> f = pool -> {
            CpuRecurrent cells = new CpuRecurrent(pool);
            Tensor[] outs = {Tensor.zeros(Device.cpu(), DType.F32, 2, 64, 512),
                Tensor.zeros(Device.cpu(), DType.F32, 5 * 64 * 512), Tensor.zeros(Device.cpu(), DType.F32, 64, 512),
                Tensor.zeros(Device.cpu(), DType.F32, 7 * 64 * 512), Tensor.zeros(Device.cpu(), DType.F32, 50, 256)};
            cells.lstmCell().run(new LstmCellOp(), new Tensor[] {gates, c}, outs[0]);
            cells.lstmCellBackward().run(new LstmCellBackwardOp(), new Tensor[] {dhc, gates, c}, outs[1]);
            cells.gruCell().run(new GruCellOp(), new Tensor[] {xg, hg, h}, outs[2]);
            cells.gruCellBackward().run(new GruCellBackwardOp(), new Tensor[] {dh, xg, hg, h}, outs[3]);
            new CpuEmbedding(pool).backward().run(scatter, new Tensor[] {dy, ids}, outs[4]);
            return Tensor.cat(0, outs[0].reshape(-1), outs[1], outs[2].reshape(-1), outs[3], outs[4].reshape(-1))
                    .toFloatArray();
        };
        float[] one = run(1, f);
        assertArrayEquals(one, run(2, f));
        assertArrayEquals(one, run(3, f));
    }

    @Test
    void recurrentLayersAreThreadCountIndependent() {
        // Whole layers over 6 steps, n 64, h 256 (rows in chunks, each step's product in bands fixed by shape), forward
        // and reverse, with the machine's GEMM.
        long t = 6;
        Tensor lstmXg = rand(40, t * 64, 1024);
        Tensor lstmWhh = rand(41, 1024, 256).mul(0.1);
        Tensor gruXg = rand(42, t * 64, 768);
        Tensor gruWhh = rand(43, 768, 256).mul(0.1);
        Tensor bias = rand(44, 1024);
        Tensor h0 = rand(45, 64, 256);
        Tensor c0 = rand(46, 64, 256);
        Tensor dLstm = rand(47, 6 * t * 64 * 256);
        Tensor dGru = rand(48, 7 * t * 64 * 256);
        java.util.function.Function<IntraOpPool, float[]> f = pool -> {
            CpuRecurrentLayer layers = new CpuRecurrentLayer(pool, new CpuMatMul(pool, SGEMM));
            Tensor[] outs = new Tensor[8];
            for (int r = 0; r < 2; r++) {
                boolean reverse = r == 1;
                Tensor y = Tensor.zeros(Device.cpu(), DType.F32, 6 * t * 64 * 256);
                layers.lstm().run(new LstmLayerOp(reverse, false), new Tensor[] {lstmXg, lstmWhh, bias, h0, c0}, y);
                Tensor dy = Tensor.zeros(Device.cpu(), DType.F32, t * 64 * 1024 + 2 * 64 * 256);
                layers.lstmBackward().run(new LstmLayerBackwardOp(reverse, false),
                        new Tensor[] {dLstm, y, lstmWhh, c0}, dy);
                Tensor g = Tensor.zeros(Device.cpu(), DType.F32, 7 * t * 64 * 256);
                layers.gru().run(new GruLayerOp(reverse, true),
                        new Tensor[] {gruXg, gruWhh, bias.slice(0, 0, 768), bias.slice(0, 256, 1024), h0}, g);
                Tensor dg = Tensor.zeros(Device.cpu(), DType.F32, 2 * t * 64 * 768 + 64 * 256);
                layers.gruBackward().run(new GruLayerBackwardOp(reverse, true), new Tensor[] {dGru, g, gruWhh, h0}, dg);
                outs[4 * r] = y;
                outs[4 * r + 1] = dy;
                outs[4 * r + 2] = g;
                outs[4 * r + 3] = dg;
            }
            return Tensor.cat(0, outs).toFloatArray();
        };
        float[] one = run(1, f);
        assertArrayEquals(one, run(2, f));
        assertArrayEquals(one, run(3, f));
    }

    @Test
    void batchNormForwardAndBackwardAreThreadCountIndependent() {
        // The DCGAN discriminator's batch norm ([64, 128, 7, 7]: several channels per task) and a wide 1d one.
        for (long[] dims : new long[][] {{64, 128, 7, 7}, {300, 70}}) {
            long c = dims[1];
            Tensor x = rand(30, dims).affine(2, 0.5);
            Tensor w = rand(31, c);
            Tensor b = rand(32, c);
            Tensor dy = rand(33, dims);
            Tensor mean = rand(34, c);
            Tensor invstd = rand(35, c).affine(0.5, 1.5);
            long packed = x.size() + 2 * c;
            java.util.function.Function<IntraOpPool, float[]> f = pool -> {
                CpuBatchNorm bn = new CpuBatchNorm(pool);
                Tensor y = Tensor.zeros(Device.cpu(), DType.F32, packed);
                Tensor d = Tensor.zeros(Device.cpu(), DType.F32, packed);
                bn.forward().run(new BatchNormOp(1e-5), new Tensor[] {x, w, b}, y);
                bn.backward().run(new BatchNormBackwardOp(), new Tensor[] {dy, x, mean, invstd, w}, d);
                return Tensor.cat(0, y, d).toFloatArray();
            };
            float[] one = run(1, f);
            assertArrayEquals(one, run(2, f));
            assertArrayEquals(one, run(3, f));
        }
    }

    @Test
    void convolutionAndMatmulForwardAreThreadCountIndependent() {
        Tensor x = rand(3, 9, 2, 10, 10);
        Tensor w = rand(4, 4, 2, 3, 3);
        Conv2dOp conv = new Conv2dOp(ConvParams.of(1, 1));
        Tensor a = rand(5, 150, 77);
        Tensor b = rand(6, 33, 77);
        MatMulOp mm = new MatMulOp(false, true);
        java.util.function.Function<IntraOpPool, float[]> f = pool -> {
            Tensor y = Tensor.zeros(Device.cpu(), DType.F32, 9, 4, 10, 10);
            new CpuConv2d(pool, SGEMM, new CpuMatMul(pool, SGEMM)).forward().run(conv, new Tensor[] {x, w}, y);
            Tensor c = Tensor.zeros(Device.cpu(), DType.F32, 150, 33);
            new CpuMatMul(pool, SGEMM).run(mm, new Tensor[] {a, b}, c);
            float[] out = new float[(int) (y.size() + c.size())];
            System.arraycopy(y.toFloatArray(), 0, out, 0, (int) y.size());
            System.arraycopy(c.toFloatArray(), 0, out, (int) y.size(), (int) c.size());
            return out;
        };
        float[] one = run(1, f);
        assertArrayEquals(one, run(2, f));
        assertArrayEquals(one, run(3, f));
    }

    @Test
    void nativeMatmulAndConvolutionAreThreadCountIndependent() {
        // OpenBLAS's results change with its own thread count and with the rows per call, so the backend calls it
        // single-threaded on blocks of C fixed by shape: check that with GEMMs above the native thresholds.
        Sgemm openblas = Sgemm.withNative(NativeBlas.load());
        assertTrue(openblas.isNative(700, 200, 300) && openblas.isNative(40, 900, 1000));
        assertTrue(openblas.isNative(128, 729, 1200) && openblas.isNativeNT(128, 1200, 729));
        assertLargeProductsAreThreadCountIndependent(openblas);
    }

    @Test
    void oneDnnMatmulAndConvolutionAreThreadCountIndependent() {
        // oneDNN runs each call on its caller alone (OpenMP set to one thread per calling thread), on the same
        // blocks of C as OpenBLAS.
        Sgemm onednn = Sgemm.withNative(OneDnn.load());
        assertTrue(onednn.isNative(700, 200, 300) && onednn.isNative(40, 900, 1000));
        // a medium product (256³): four bands of 64 rows, each one thread's call
        Tensor a = rand(19, 256, 256);
        Tensor b = rand(20, 256, 256);
        java.util.function.Function<IntraOpPool, float[]> medium = pool -> {
            Tensor c = Tensor.zeros(Device.cpu(), DType.F32, 256, 256);
            new CpuMatMul(pool, onednn).run(new MatMulOp(false, false), new Tensor[] {a, b}, c);
            return c.toFloatArray();
        };
        float[] one = run(1, medium);
        assertArrayEquals(one, run(2, medium));
        assertArrayEquals(one, run(4, medium));
        assertLargeProductsAreThreadCountIndependent(onednn);
    }

    @Test
    void packedMatmulAndConvolutionAreThreadCountIndependent() {
        // The packed Java kernel gets one band of C per thread: its sums must not depend on the bands.
        Sgemm java = Sgemm.javaOnly("the packed kernel under test");
        assertTrue(java.isPacked(700, 200, 300) && java.isPacked(40, 900, 1000) && java.isPacked(128, 729, 1200));
        assertLargeProductsAreThreadCountIndependent(java);
    }

    private static void assertLargeProductsAreThreadCountIndependent(Sgemm sgemm) {
        Tensor a = rand(7, 700, 300);
        Tensor b = rand(8, 300, 200);      // C [700, 200]: bands of rows
        Tensor wideA = rand(9, 40, 1000);
        Tensor wideB = rand(10, 1000, 900); // C [40, 900]: bands of columns
        Tensor tallA = rand(15, 1024, 1100);
        Tensor tallB = rand(16, 1024, 200); // C [1100, 200] = Aᵀ·B: bands of rows, for oneDNN of the swapped product
        Tensor x = rand(11, 3, 48, 27, 27); // AlexNet conv2's shape, one group
        Tensor w = rand(12, 128, 48, 5, 5);
        Tensor dy = rand(13, 3, 128, 27, 27);
        ConvParams p = ConvParams.of(1, 2);
        MatMulOp mm = new MatMulOp(false, false);
        MatMulOp mmTT = new MatMulOp(true, true);
        java.util.function.Function<IntraOpPool, float[]> f = pool -> {
            Tensor c = Tensor.zeros(Device.cpu(), DType.F32, 700, 200);
            new CpuMatMul(pool, sgemm).run(mm, new Tensor[] {a, b}, c);
            Tensor wide = Tensor.zeros(Device.cpu(), DType.F32, 40, 900);
            new CpuMatMul(pool, sgemm).run(mm, new Tensor[] {wideA, wideB}, wide);
            Tensor tt = Tensor.zeros(Device.cpu(), DType.F32, 300, 300); // Aᵀ·Bᵀ: A [700, 300], B [300, 700]
            new CpuMatMul(pool, sgemm).run(mmTT, new Tensor[] {a, rand(14, 300, 700)}, tt);
            Tensor tn = Tensor.zeros(Device.cpu(), DType.F32, 1100, 200); // Aᵀ·B, oneDNN's swapped shape
            new CpuMatMul(pool, sgemm).run(new MatMulOp(true, false), new Tensor[] {tallA, tallB}, tn);
            CpuConv2d conv = new CpuConv2d(pool, sgemm, new CpuMatMul(pool, sgemm));
            Tensor y = Tensor.zeros(Device.cpu(), DType.F32, 3, 128, 27, 27);
            conv.forward().run(new Conv2dOp(p), new Tensor[] {x, w}, y);
            Tensor dx = Tensor.zeros(Device.cpu(), DType.F32, 3, 48, 27, 27);
            conv.backwardData().run(new Conv2dBackwardDataOp(p, x.shape()), new Tensor[] {dy, w}, dx);
            Tensor dw = Tensor.zeros(Device.cpu(), DType.F32, 128, 48, 5, 5);
            conv.backwardFilter().run(new Conv2dBackwardFilterOp(p, w.shape()), new Tensor[] {x, dy}, dw);
            return concat(new float[][] {c.toFloatArray(), wide.toFloatArray(), tt.toFloatArray(), tn.toFloatArray(),
                y.toFloatArray(),
                dx.toFloatArray(), dw.toFloatArray()});
        };
        float[] one = run(1, f);
        assertArrayEquals(one, run(2, f));
        assertArrayEquals(one, run(3, f));
    }

    @Test
    void reductionsAreThreadCountIndependent() {
        // Sums over chunks of 16,384 elements in parallel: all of x, a bias gradient's axes, and columns.
        Tensor x = rand(16, 40, 6, 30, 30);
        Tensor rows = rand(17, 9, 2000, 33);
        Tensor wideRows = rand(18, 2, 700, 300); // columns in blocks as wide as the thread count allows
        java.util.function.Function<IntraOpPool, float[]> f = pool -> {
            CpuReduce reduce = new CpuReduce(pool);
            float[][] parts = new float[7][];
            int i = 0;
            for (ReduceOp op : new ReduceOp[] {new ReduceOp(ReduceFn.SUM, new int[0], false),
                new ReduceOp(ReduceFn.SUM, new int[] {0, 2, 3}, false)}) {
                Tensor y = Tensor.zeros(Device.cpu(), DType.F32, op.inferShape(x.shape()).dims());
                reduce.run(op, new Tensor[] {x}, y);
                parts[i++] = y.toFloatArray();
            }
            for (ReduceOp op : new ReduceOp[] {new ReduceOp(ReduceFn.SUM, new int[] {1}, false),
                new ReduceOp(ReduceFn.SUM, new int[] {0, 1}, false)}) {
                Tensor y = Tensor.zeros(Device.cpu(), DType.F32, op.inferShape(rows.shape()).dims());
                reduce.run(op, new Tensor[] {rows}, y);
                parts[i++] = y.toFloatArray();
            }
            for (ReduceOp op : new ReduceOp[] {new ReduceOp(ReduceFn.SUM, new int[] {1}, false),
                new ReduceOp(ReduceFn.MAX, new int[] {1}, false), new ReduceOp(ReduceFn.SUM, new int[] {0, 1}, false)}) {
                Tensor y = Tensor.zeros(Device.cpu(), DType.F32, op.inferShape(wideRows.shape()).dims());
                reduce.run(op, new Tensor[] {wideRows}, y);
                parts[i++] = y.toFloatArray();
            }
            return concat(parts);
        };
        float[] one = run(1, f);
        assertArrayEquals(one, run(2, f));
        assertArrayEquals(one, run(3, f));
    }

    private static float[] concat(float[][] parts) {
        int size = 0;
        for (float[] p : parts) {
            size += p.length;
        }
        float[] out = new float[size];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
