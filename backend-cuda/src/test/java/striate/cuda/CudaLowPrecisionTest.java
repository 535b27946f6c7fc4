package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import striate.amp.GradScaler;
import striate.amp.Precision;
import striate.autograd.Autocast;
import striate.backend.KernelTrace;
import striate.backend.Traffic;
import striate.models.LeNet5;
import striate.nn.Losses;
import striate.nn.Parameter;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * Mixed precision on cuda (the op-by-op comparison with the reference is in {@link CudaConformanceTest}): casts to
 * and from bfloat16 and float16 give the CPU's values bit for bit (signed zeros, infinities, NaN kept a NaN); a
 * bfloat16 LeNet-5 step runs every product natively in bfloat16, the biased forward convolutions included (their
 * sums rounded once); the loss scaler finds an inf gradient on the device with one read of 4 bytes; and LeNet-5
 * learns a small task in bf16 and fp16 on cuda.
 */
@Tag("gpu")
class CudaLowPrecisionTest {
    private static final Device CUDA = Device.cuda(0);
    private static final Device CPU = Device.cpu();
    private static final DType[] LOW = {DType.BF16, DType.F16};

    /** Edge values of both 2-byte types and a spread of ordinary ones. */
    private static double[] values() {
        List<Double> v = new ArrayList<>(List.of(1 + 0x1p-8, 1 + 3 * 0x1p-8, 1 + 0x1p-11, 1 + 3 * 0x1p-11, 65504.0,
                65519.0, 65520.0, 1e5, -1e5, 0x1p-24, 0x1p-25, 3 * 0x1p-25, 1e-6, 1e-40, (double) Float.MAX_VALUE,
                -(double) Float.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0,
                16777217.0, -7.5, 3.0e38));
        long s = 12345;
        for (int i = 0; i < 1000; i++) {
            s = s * 6364136223846793005L + 1442695040888963407L;
            double u = (s >>> 11) * 0x1p-53;
            v.add((u - 0.5) * Math.pow(2, (i % 40) - 20));
        }
        return v.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void assertSameValues(String what, double[] want, double[] got) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            if (Double.compare(want[i], got[i]) != 0) { // NaN equals NaN here; -0.0 differs from 0.0
                throw new AssertionError(what + ": element " + i + " cpu " + want[i] + " cuda " + got[i]);
            }
        }
    }

    @Test
    void castsGiveTheCpusValuesBitForBit() {
        Gpu.backend();
        double[] v = values();
        for (DType low : LOW) {
            for (DType from : new DType[] {DType.F32, DType.F64}) {
                Tensor cpu = Tensor.of(CPU, from, v, v.length).to(low);
                Tensor cuda = Tensor.of(CUDA, from, v, v.length).to(low);
                assertEquals(low, cuda.dtype());
                assertSameValues(from + " → " + low, cpu.toDoubleArray(), cuda.toDoubleArray());
                for (DType back : new DType[] {DType.F32, DType.F64, DType.I32}) {
                    assertSameValues(low + " → " + back, cpu.to(back).toDoubleArray(), cuda.to(back).toDoubleArray());
                }
                DType other = low == DType.BF16 ? DType.F16 : DType.BF16;
                assertSameValues(low + " → " + other, cpu.to(other).toDoubleArray(), cuda.to(other).toDoubleArray());
                Tensor strided = Tensor.of(CUDA, from, v, 2, v.length / 2).transpose(0, 1);
                assertSameValues("strided " + from + " → " + low, Tensor.of(CPU, from, v, 2, v.length / 2)
                        .transpose(0, 1).to(low).toDoubleArray(), strided.to(low).toDoubleArray());
            }
            int[] ints = {0, 1, -1, 255, 257, 65519, 65520, -16777217, 2147483647};
            assertSameValues("int32 → " + low, Tensor.ofInts(CPU, ints, ints.length).to(low).toDoubleArray(),
                    Tensor.ofInts(CUDA, ints, ints.length).to(low).toDoubleArray());
        }
    }

    @Test
    void twoByteTensorsMoveBetweenHostAndDeviceUnchanged() {
        Gpu.backend();
        double[] v = values();
        for (DType low : LOW) {
            Tensor host = Tensor.of(CPU, DType.F32, v, v.length).to(low);
            Tensor there = host.to(CUDA);
            assertEquals(low, there.dtype());
            assertSameValues(low + " host → device → host", host.toDoubleArray(), there.to(CPU).toDoubleArray());
            Tensor view = there.reshape(2, v.length / 2).transpose(0, 1);
            assertSameValues(low + " strided view", host.reshape(2, v.length / 2).transpose(0, 1).toDoubleArray(),
                    view.toDoubleArray());
        }
    }

    @Test
    void aBf16LeNetStepRunsItsProductsInBf16() {
        assumeTrue(Gpu.backend().options().lowPrecisionProducts(), "-Dstriate.cuda.lowPrecisionProducts=false widens "
                + "the products too");
        LeNet5 net = new LeNet5(LeNet5.Config.defaults(), 42);
        net.to(CUDA);
        Tensor[] batch = batch(CUDA, 16);
        List<KernelTrace.Event> events;
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            Tensor loss;
            try (Autocast.Scope a = Autocast.enable(DType.BF16)) {
                loss = Losses.crossEntropy(net.forward(batch[0]), batch[1]);
            }
            assertEquals(DType.F32, loss.dtype());
            loss.backward();
            System.out.print("bf16 LeNet-5 step on cuda:0, batch 16:\n" + r.summary());
            events = r.events();
        }
        List<KernelTrace.Event> products = events.stream().filter(e -> e.op().startsWith("Conv2d")
                || e.op().startsWith("MatMulOp")).toList();
        assertTrue(products.size() >= 8, products.toString());
        for (KernelTrace.Event e : products) { // biased forward convolutions too: bias first, product added in float32
            assertTrue(e.path() != null && e.path().endsWith(" bfloat16"), "not computed in bfloat16: " + e);
        }
        for (Map.Entry<String, Parameter> p : net.namedParameters().entrySet()) {
            assertEquals(DType.F32, p.getValue().value().dtype(), p.getKey());
            assertEquals(DType.F32, p.getValue().grad().dtype(), "gradient of " + p.getKey());
        }
    }

    @Test
    void theLossScalerFindsAnInfGradientAndSkipsTheStepOnTheDeviceWithoutAWait() {
        CudaBackend b = Gpu.backend();
        List<Parameter> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ps.add(new Parameter(Tensor.of(CUDA, DType.F32, new double[] {1, 2, 3, 4}, 4)));
        }
        Optimizer sgd = Sgd.builder(Map.of("a", ps.get(0), "b", ps.get(1), "c", ps.get(2))).lr(0.1).build();
        GradScaler scaler = new GradScaler();
        for (Parameter p : ps) {
            p.value().setGrad(Tensor.of(CUDA, DType.F32, new double[] {1, -1, 0.5, 0}, 4).mul(scaler.scale()));
        }
        ps.get(1).value().setGrad(Tensor.of(CUDA, DType.F32, new double[] {1, Double.POSITIVE_INFINITY, 0, 0}, 4));
        Traffic before = b.traffic();
        scaler.step(sgd);
        scaler.update();
        assertEquals(0, b.traffic().minus(before).deviceToHost(), "unscale, step and update read nothing");
        assertEquals(GradScaler.INIT_SCALE / 2, scaler.scale());
        assertEquals(1, scaler.skippedSteps());
        assertSameValues("weights of a skipped step", new double[] {1, 2, 3, 4}, ps.get(0).value().toDoubleArray());
        for (Parameter p : ps) {
            p.value().setGrad(Tensor.of(CUDA, DType.F32, new double[] {1, -1, 0.5, 0}, 4).mul(scaler.scale()));
        }
        scaler.step(sgd);
        scaler.update();
        assertEquals(1, sgd.steps(), "the finite step is taken");
        double[] w = ps.get(2).value().toDoubleArray();
        double[] want = {0.9, 2.1, 2.95, 4}; // w − 0.1·g with the true (unscaled) gradient
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], w[i], 1e-6, "weight " + i + " after an unscaled step");
        }
    }

    @Test
    void leNetLearnsInBf16AndFp16OnCuda() {
        Gpu.backend();
        for (Precision p : new Precision[] {Precision.BF16, Precision.FP16}) {
            double[] cuda = losses(p, CUDA, 60);
            double[] cpu = losses(p, CPU, 1);
            assertEquals(cpu[0], cuda[0], 0.02 * cpu[0], p + ": first loss on cuda vs cpu");
            double last = cuda[cuda.length - 1];
            assertTrue(last < 0.5 * cuda[0], p + ": loss " + cuda[0] + " → " + last);
        }
    }

    /** The losses of {@code steps} training steps on one fixed batch, in precision {@code p} on {@code device}. */
    private static double[] losses(Precision p, Device device, int steps) {
        LeNet5 net = new LeNet5(LeNet5.Config.defaults(), 42);
        net.to(device);
        Optimizer sgd = Sgd.builder(net.namedParameters()).lr(0.02).momentum(0.9).build();
        GradScaler scaler = p.scaler();
        Tensor[] batch = batch(device, 64);
        double[] out = new double[steps];
        for (int s = 0; s < steps; s++) {
            Tensor loss;
            try (Autocast.Scope a = p.autocast()) {
                loss = Losses.crossEntropy(net.forward(batch[0]), batch[1]);
            }
            out[s] = loss.item();
            sgd.zeroGrad();
            scaler.scale(loss).backward();
            scaler.step(sgd);
            scaler.update();
        }
        assertTrue(scaler.skippedSteps() <= steps / 2, p + ": " + scaler.skippedSteps() + " steps skipped");
        return out;
    }

    /** n images [n, 1, 28, 28] of class i % 10, each a bright band at rows 2k..2k+2 over seeded noise, and labels. */
    private static Tensor[] batch(Device device, int n) {
        double[] x = new double[n * 28 * 28];
        int[] y = new int[n];
        long s = 7;
        for (int i = 0; i < n; i++) {
            y[i] = i % 10;
            for (int j = 0; j < 28 * 28; j++) {
                s = s * 6364136223846793005L + 1442695040888963407L;
                double noise = ((s >>> 11) * 0x1p-53) * 0.5;
                int row = j / 28;
                x[i * 28 * 28 + j] = noise + (row >= 2 * y[i] + 3 && row < 2 * y[i] + 6 ? 1 : 0);
            }
        }
        return new Tensor[] {Tensor.of(device, DType.F32, x, n, 1, 28, 28), Tensor.ofInts(device, y, n)};
    }
}
