package striate.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import striate.backend.CapturedGraph;
import striate.models.LeNet5;
import striate.nn.Losses;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * One LeNet-5 training step on a batch of 64 (forward, cross-entropy, backward, SGD with momentum), in images per
 * second (the score is steps/s × 64). Before timing, one step's loss and every parameter gradient are checked
 * against the reference backend. PyTorch peer: benchmarks/pytorch/compare_cpu.py, case lenet_train_b64.
 * {@link #replayedStep} is the same step captured once ({@code Backend.captureGraph}: the host backend records the
 * kernel calls) and replayed, what {@code striate train --cuda-graphs on} does on the CPU.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class LeNetTrainStep {
    static final int BATCH = 64;

    LeNet5 net;
    Optimizer optimizer;
    Tensor x;
    Tensor y;
    CapturedGraph graph;
    Tensor replayedLoss;

    @Setup
    public void setUp() {
        check();
        net = model(Device.cpu());
        optimizer = Sgd.builder(net.namedParameters()).lr(0.01).momentum(0.9).build();
        x = Inputs.uniform(Device.cpu(), 1, BATCH, 1, 28, 28);
        y = Inputs.labels(Device.cpu(), 2, BATCH, 10);
        LeNet5 graphed = model(Device.cpu());
        Optimizer graphedSgd = Sgd.builder(graphed.namedParameters()).lr(0.01).momentum(0.9).build();
        step(graphed, graphedSgd, x, y); // warm-up: the momentum buffers exist before the capture
        try (MemoryScope scope = MemoryScope.open()) { // as the Trainer captures, inside a step's scope: outputs native
            graph = x.backend().captureGraph(() -> replayedLoss = step(graphed, graphedSgd, x, y));
        }
    }

    private static Tensor step(LeNet5 net, Optimizer optimizer, Tensor x, Tensor y) {
        Tensor loss = Losses.crossEntropy(net.forward(x), y);
        optimizer.zeroGrad();
        loss.backward();
        optimizer.step();
        optimizer.zeroGrad();
        return loss;
    }

    static LeNet5 model(Device device) {
        LeNet5 net = new LeNet5(LeNet5.Config.defaults(), 42);
        net.to(device);
        return net;
    }

    /** One step's loss and gradients on the CPU backend agree with the reference backend's. */
    static void check() {
        Agreement.assertTrainingStepMatches("lenet_train_b64", model(Device.reference()), model(Device.cpu()), 10, BATCH, 1, 28, 28);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double step() {
        try (MemoryScope scope = MemoryScope.open()) { // as the Trainer runs a step: its memory is reused next time
            return step(net, optimizer, x, y).item();
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double replayedStep() {
        graph.replay();
        return replayedLoss.item();
    }

    /** Prints the pool counters: after the first step, every allocation should be a reuse. */
    @TearDown
    public void reportMemory() {
        System.out.println("lenet_train_b64 memory: " + x.backend().memoryStats());
    }
}
