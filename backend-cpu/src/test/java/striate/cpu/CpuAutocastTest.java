package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import striate.amp.GradScaler;
import striate.autograd.Autocast;
import striate.backend.KernelTrace;
import striate.models.LeNet5;
import striate.nn.Losses;
import striate.nn.Parameter;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;
import striate.testing.Tolerance;

/**
 * LeNet-5's forward, loss and backward under bfloat16 and float16 autocast on {@code cpu} and on the reference: the
 * policy sits in the dispatcher, so both backends run the same ops in the same types; the loss and every parameter's
 * float32 gradient agree within the low type's rounding, and the products and convolutions run the cpu's own kernels
 * (widened to float32), not the reference's.
 */
class CpuAutocastTest {
    private static Map<String, double[]> step(Device device, DType low, List<KernelTrace.Event> trace) {
        LeNet5 net = new LeNet5(LeNet5.Config.defaults(), 42);
        net.to(device);
        Rng rng = new Rng(5);
        int[] labels = new int[16];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rng.nextInt(10);
        }
        Tensor x = Tensor.rand(device, DType.F32, Shape.of(16, 1, 28, 28), -1, 1, 77);
        Map<String, double[]> out = new TreeMap<>();
        try (KernelTrace.Recorder recorder = KernelTrace.record()) {
            Tensor loss;
            try (Autocast.Scope on = Autocast.enable(low)) {
                loss = Losses.crossEntropy(net.forward(x), Tensor.ofInts(device, labels));
            }
            assertEquals(DType.F32, loss.dtype());
            loss.backward();
            out.put("loss", loss.toDoubleArray());
            trace.addAll(recorder.events());
        }
        for (Map.Entry<String, Parameter> p : net.namedParameters().entrySet()) {
            assertEquals(DType.F32, p.getValue().grad().dtype(), p.getKey());
            out.put(p.getKey(), p.getValue().grad().toDoubleArray());
        }
        return out;
    }

    @Test
    void lenetUnderAutocastAgreesWithTheReferenceAndRunsCpuKernels() {
        for (DType low : new DType[] {DType.BF16, DType.F16}) {
            List<KernelTrace.Event> cpuTrace = new java.util.ArrayList<>();
            Map<String, double[]> cpu = step(Device.cpu(), low, cpuTrace);
            Map<String, double[]> ref = step(Device.reference(), low, new java.util.ArrayList<>());
            // gradients pass through several roundings to the low type: a few of its units in the last place
            double ulp = low == DType.BF16 ? 0x1p-7 : 0x1p-10;
            Tolerance t = new Tolerance(8 * ulp * 1e-2, 8 * ulp);
            for (String name : ref.keySet()) {
                String m = t.mismatches(low + " " + name, ref.get(name), cpu.get(name));
                assertNull(m, m);
            }
            Set<String> lowKernels = new TreeSet<>();
            cpuTrace.stream().filter(e -> e.op().startsWith("Conv2d") || e.op().equals("MatMulOp"))
                    .forEach(e -> lowKernels.add(e.kernel() + "/" + e.kernelBackend()));
            assertEquals(Set.of("CpuConv2d/cpu", "CpuMatMul/cpu"), lowKernels, low + ": products and convolutions");
            assertTrue(cpuTrace.stream().anyMatch(e -> e.op().equals("CastOp")), "autocast casts on the cpu");
        }
    }

    @Test
    void theGradScalerFindsInfAndNanInCpuGradients() {
        Parameter w = new Parameter(Tensor.of(Device.cpu(), DType.F32, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9}));
        Optimizer opt = Sgd.builder(Map.of("w", w)).lr(0.5).build();
        GradScaler scaler = new GradScaler();
        for (double bad : new double[] {Double.POSITIVE_INFINITY, Double.NaN}) {
            double[] g = {1, 1, 1, 1, 1, 1, 1, 1, bad};
            w.value().setGrad(Tensor.of(Device.cpu(), DType.F32, g).mul(scaler.scale()));
            scaler.step(opt);
            assertEquals(1, w.value().toDoubleArray()[0], "skipped for " + bad);
            scaler.update();
        }
        assertEquals(16384, scaler.scale());
        assertEquals(2, scaler.skippedSteps());
        assertEquals(0, opt.steps());
        w.value().setGrad(Tensor.full(Device.cpu(), DType.F32, 2 * scaler.scale(), 9));
        scaler.step(opt);
        scaler.update();
        assertEquals(1, opt.steps());
        assertEquals(0, w.value().toDoubleArray()[0], 1e-6, "1 − 0.5·2, the gradient unscaled");
    }
}
