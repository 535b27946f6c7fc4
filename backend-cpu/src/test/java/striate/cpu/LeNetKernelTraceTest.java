package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.models.LeNet5;
import striate.nn.Losses;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * One LeNet-5 training step on {@code cpu}, as the Trainer runs it (batch 64, SGD with momentum, inside a memory
 * scope), traced: every op runs a CPU kernel, none a reference kernel, and the convolutions, products, pooling,
 * activations and updates run the fast kernels of their kind.
 */
class LeNetKernelTraceTest {
    private static final Device CPU = Device.cpu();

    /** The trace of a model's second step (the first fills the memory pool; the kernels are the same). */
    private static List<KernelTrace.Event> traceOfOneStep(boolean print) {
        LeNet5 net = new LeNet5(LeNet5.Config.defaults(), 42);
        net.to(CPU);
        Optimizer opt = Sgd.builder(net.namedParameters()).lr(0.02).momentum(0.9).build();
        step(net, opt, batch(0));
        Tensor[] batch = batch(1);
        try (KernelTrace.Recorder trace = KernelTrace.record()) {
            step(net, opt, batch);
            if (print) {
                System.out.print("LeNet-5 training step on cpu, batch 64, SGD with momentum:\n" + trace.summary());
            }
            return trace.events();
        }
    }

    /** Batch k: images [64, 1, 28, 28] and labels [64]. */
    private static Tensor[] batch(int k) {
        Rng rng = new Rng(k);
        int[] labels = new int[64];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = rng.nextInt(10);
        }
        return new Tensor[] {Tensor.rand(CPU, DType.F32, Shape.of(64, 1, 28, 28), -1, 1, 100 + k),
                Tensor.ofInts(CPU, labels)};
    }

    /** Forward, loss, backward and the optimizer's step, in a memory scope as the Trainer runs them. */
    private static void step(LeNet5 net, Optimizer opt, Tensor[] batch) {
        try (MemoryScope scope = MemoryScope.open()) {
            Tensor loss = Losses.crossEntropy(net.forward(batch[0]), batch[1]);
            opt.zeroGrad();
            loss.backward();
            opt.step();
            opt.zeroGrad();
        }
    }

    /** The kernels that ran for ops whose name starts with {@code prefix}. */
    private static Set<String> kernels(List<KernelTrace.Event> events, String prefix) {
        Set<String> k = new TreeSet<>();
        events.stream().filter(e -> e.op().startsWith(prefix)).forEach(e -> k.add(e.kernel()));
        return k;
    }

    /** The paths taken for ops whose name starts with {@code prefix}. */
    private static Set<String> paths(List<KernelTrace.Event> events, String prefix) {
        Set<String> p = new TreeSet<>();
        events.stream().filter(e -> e.op().startsWith(prefix)).forEach(e -> p.add(String.valueOf(e.path())));
        return p;
    }

    @Test
    void aTrainingStepRunsTheFastCpuKernelsAndNothingOnTheReference() {
        List<KernelTrace.Event> events = traceOfOneStep(true);
        assertTrue(events.size() > 40, events.size() + " kernel runs");
        assertEquals(List.of(), events.stream().filter(KernelTrace.Event::borrowed).toList(), "reference kernels");
        assertTrue(events.stream().allMatch(e -> e.backend().equals("cpu") && e.kernelBackend().equals("cpu")));

        assertEquals(Set.of("CpuConv2d"), kernels(events, "Conv2d"));
        assertEquals(Set.of("CpuMatMul"), kernels(events, "MatMulOp"));
        assertEquals(Set.of("CpuPool2d"), kernels(events, "Pool2d"));
        assertEquals(Set.of("CpuElementwise"), kernels(events, "UnaryOp"));
        assertEquals(Set.of("CpuSoftmax"), kernels(events, "CrossEntropy"));
        assertEquals(Set.of("CpuUpdates"), kernels(events, "SgdUpdateOp"));
        assertEquals(10, events.stream().filter(e -> e.op().equals("SgdUpdateOp")).count(), "one update a parameter");

        // C1, C3 and C5 each take the algorithm made for their shape; LeNet's pooling its 2x2 kernel.
        Set<String> forward = paths(events, "Conv2dOp");
        Set<String> filter = paths(events, "Conv2dBackwardFilterOp");
        if (Sgemm.VECTOR_API) {
            assertEquals(Set.of("direct", "pixel", "matrix"), forward);
            assertTrue(filter.containsAll(Set.of("direct", "matrix")), filter.toString());
            assertEquals(Set.of("vector", "plain"), paths(events, "SgdUpdateOp"),
                    "weights off-heap on vectors, small biases in heap arrays on the plain loop");
        }
        assertEquals(Set.of("max 2x2"), paths(events, "Pool2d"));
        assertFalse(paths(events, "MatMulOp").contains("null"), "every product names its path");
    }

    @Test
    void twoStepsTraceTheSameKernels() {
        Map<KernelTrace.Event, Long> first = counts(traceOfOneStep(false));
        assertEquals(first, counts(traceOfOneStep(false)));
    }

    private static Map<KernelTrace.Event, Long> counts(List<KernelTrace.Event> events) {
        Map<KernelTrace.Event, Long> c = new java.util.HashMap<>();
        events.forEach(e -> c.merge(e, 1L, Long::sum));
        return c;
    }
}
