package striate.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import striate.nn.Conv2d;
import striate.nn.Linear;
import striate.nn.Losses;
import striate.op.ConvParams;
import striate.tensor.BFloat16;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.Tolerance;

/**
 * Autocast on the reference backend: which type each kind of op runs in, scopes that nest, turn off and stay on
 * their thread, the low-precision product's numerics (products of the rounded operands summed, the sum rounded once),
 * and float32 master weights whose gradients come back in float32 through the casts.
 */
class AutocastTest {
    private static final Device REF = Device.reference();

    private static Tensor u(long seed, long... dims) {
        return Fixtures.uniform(REF, seed, -1, 1, dims);
    }

    @Test
    void eachKindOfOpRunsInItsType() {
        Tensor a = u(1, 4, 6);
        Tensor b = u(2, 6, 3);
        try (Autocast.Scope on = Autocast.enable(DType.BF16)) {
            Tensor y = a.matmul(b);
            assertEquals(DType.BF16, y.dtype(), "matmul in the low type");
            assertEquals(DType.BF16, y.relu().dtype(), "relu in its input's type");
            assertEquals(DType.F32, y.softmax(1).dtype(), "softmax in float32");
            assertEquals(DType.F32, y.logSoftmax(1).dtype(), "log-softmax in float32");
            assertEquals(DType.F32, y.sum().dtype(), "sums in float32");
            assertEquals(DType.F32, y.mean(1, false).dtype(), "means in float32");
            assertEquals(DType.F32, y.exp().dtype(), "exp in float32");
            assertEquals(DType.BF16, y.max(1, false).dtype(), "max in its input's type");
            assertEquals(DType.F32, y.add(u(3, 3)).dtype(), "bfloat16 + float32 in the wider float32");
            assertEquals(DType.F32, y.add(y.to(DType.F16)).dtype(), "bfloat16 + float16 meet in float32");
            Tensor labels = Tensor.ofInts(REF, new int[] {0, 2, 1, 0});
            assertEquals(DType.F32, Losses.crossEntropy(y, labels).dtype(), "losses in float32");
            assertEquals(DType.F64, u(4, 6).to(DType.F64).add(u(5, 6)).dtype(), "float64 is never cast down");
        }
    }

    @Test
    void layersProduceTheLowTypeAndKeepFloat32Parameters() {
        Rng rng = new Rng(7);
        Linear fc = new Linear(6, 3, rng);
        Conv2d conv = new Conv2d(2, 4, 3, 3, new ConvParams(1, 1, 1, 1, 1, 1, 1), true, rng);
        try (Autocast.Scope on = Autocast.enable(DType.F16)) {
            assertEquals(DType.F16, fc.forward(u(8, 5, 6)).dtype(), "linear, bias included, in the low type");
            assertEquals(DType.F16, conv.forward(u(9, 1, 2, 5, 5)).dtype(), "conv2d, bias included, in the low type");
        }
        fc.parameters().forEach(p -> assertEquals(DType.F32, p.value().dtype()));
        conv.parameters().forEach(p -> assertEquals(DType.F32, p.value().dtype()));
    }

    @Test
    void scopesNestTurnOffInsideAndRestore() {
        Tensor a = u(1, 4, 6);
        Tensor b = u(2, 6, 3);
        assertFalse(Autocast.isEnabled());
        try (Autocast.Scope outer = Autocast.enable(DType.BF16)) {
            try (Autocast.Scope inner = Autocast.enable(DType.F16)) {
                assertEquals(DType.F16, a.matmul(b).dtype());
            }
            assertEquals(DType.BF16, a.matmul(b).dtype(), "the outer scope's type comes back");
            try (Autocast.Scope off = Autocast.disable()) {
                assertFalse(Autocast.isEnabled());
                assertEquals(DType.F32, a.matmul(b).dtype(), "off inside an enabled scope");
            }
            assertEquals(DType.BF16, Autocast.dtype());
        }
        assertFalse(Autocast.isEnabled());
        assertEquals(DType.F32, a.matmul(b).dtype());
        assertThrows(IllegalStateException.class, Autocast::dtype);
    }

    @Test
    void theModeBelongsToItsThread() throws InterruptedException {
        AtomicBoolean seenOnOtherThread = new AtomicBoolean(true);
        try (Autocast.Scope on = Autocast.enable(DType.BF16)) {
            Thread t = new Thread(() -> seenOnOtherThread.set(Autocast.isEnabled()));
            t.start();
            t.join();
        }
        assertFalse(seenOnOtherThread.get());
    }

    @Test
    void onlyLowPrecisionTypesEnableIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Autocast.enable(DType.F32));
        assertTrue(e.getMessage().contains("DType.BF16"), e.getMessage());
    }

    @Test
    void theLowPrecisionProductSumsTheRoundedOperandsAndRoundsOnce() {
        Tensor a = u(11, 5, 40);
        Tensor b = u(12, 40, 3);
        Tensor y;
        try (Autocast.Scope on = Autocast.enable(DType.BF16)) {
            y = a.matmul(b);
        }
        float[] av = a.toFloatArray();
        float[] bv = b.toFloatArray();
        double[] expected = new double[15];
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 3; j++) {
                double s = 0;
                for (int p = 0; p < 40; p++) {
                    s += (double) bf16(av[i * 40 + p]) * bf16(bv[p * 3 + j]);
                }
                expected[i * 3 + j] = bf16((float) s);
            }
        }
        assertArrayEquals(expected, y.toDoubleArray(), 0);
        double[] exact = a.matmul(b).toDoubleArray();
        boolean differs = false;
        for (int i = 0; i < exact.length; i++) {
            differs |= exact[i] != expected[i];
        }
        assertTrue(differs, "the bfloat16 product must differ from the float32 one somewhere");
    }

    private static float bf16(float f) {
        return BFloat16.toFloat(BFloat16.fromFloat(f));
    }

    @Test
    void masterWeightGradientsArriveInFloat32CloseToTheFloat32Ones() {
        Linear fc = new Linear(20, 4, new Rng(3));
        Tensor x = u(13, 8, 20);
        Tensor labels = Tensor.ofInts(REF, new int[] {0, 1, 2, 3, 3, 2, 1, 0});
        Losses.crossEntropy(fc.forward(x), labels).backward();
        double[] fp32 = fc.parameters().get(0).grad().toDoubleArray();
        fc.zeroGrad();
        try (Autocast.Scope on = Autocast.enable(DType.BF16)) {
            Tensor loss = Losses.crossEntropy(fc.forward(x), labels);
            assertEquals(DType.F32, loss.dtype());
            loss.backward(); // inside the scope: the backward pass still runs in the forward's types
        }
        Tensor g = fc.parameters().get(0).grad();
        assertEquals(DType.F32, g.dtype(), "the master weight's gradient is float32");
        String m = new Tolerance(2e-3, 0x1p-6).mismatches("bf16 weight gradient", fp32, g.toDoubleArray());
        assertEquals(null, m, m);
        assertFalse(java.util.Arrays.equals(fp32, g.toDoubleArray()), "the low-precision pass must leave a trace");
    }

    /**
     * The regression and binary losses compute in float32 under autocast (PyTorch's float32 list), so a bfloat16
     * prediction meets a float32 target, and give what float32 gives on the rounded prediction; outside autocast two
     * types stay refused.
     */
    @Test
    void regressionAndBinaryLossesComputeInFloat32() {
        Tensor w = u(11, 3, 5).requiresGrad(true);
        Tensor x = u(12, 4, 5);
        Tensor target = u(13, 4, 3);
        Tensor probabilities = u(14, 4, 3).mul(0.4).add(0.5);
        for (Losses.Reduction r : Losses.Reduction.values()) {
            Tensor pred;
            Tensor[] losses;
            try (Autocast.Scope on = Autocast.enable(DType.BF16)) {
                pred = x.matmul(w, false, true); // bfloat16
                losses = new Tensor[] {Losses.mse(pred, target, r), Losses.mae(pred, target, r),
                        Losses.smoothL1(pred, target, 0.5, r), Losses.binaryCrossEntropyWithLogits(pred, target, r),
                        Losses.binaryCrossEntropy(pred.sigmoid(), probabilities, r)};
            }
            assertEquals(DType.BF16, pred.dtype());
            Tensor p32 = pred.detach().to(DType.F32);
            Tensor[] want = {Losses.mse(p32, target, r), Losses.mae(p32, target, r),
                    Losses.smoothL1(p32, target, 0.5, r), Losses.binaryCrossEntropyWithLogits(p32, target, r),
                    Losses.binaryCrossEntropy(pred.detach().sigmoid().to(DType.F32), probabilities, r)}; // σ in bf16
            for (int i = 0; i < losses.length; i++) {
                assertEquals(DType.F32, losses[i].dtype(), "loss " + i + ", " + r);
                assertArrayEquals(want[i].toFloatArray(), losses[i].toFloatArray(), 1e-6f, "loss " + i + ", " + r);
            }
            losses[0].sum().backward();
            assertEquals(DType.F32, w.grad().dtype(), "the master weight's gradient");
            w.setGrad(null);
        }
        Tensor low = u(15, 4, 3).to(DType.BF16);
        assertThrows(IllegalArgumentException.class, () -> Losses.mse(low, target));
    }
}
