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
import org.openjdk.jmh.annotations.Warmup;
import striate.models.AlexNet;
import striate.nn.Losses;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * One AlexNet training step on the CPU at the size this machine trains it (the one-weird-trick layout on 64×64
 * RGB, 10 classes, 20.3 M parameters, no dropout so both sides compute the same thing; batch 32): forward,
 * cross-entropy, backward, SGD with momentum, in images per second. Before timing, a step's loss and every
 * gradient on two images are checked against the reference backend. PyTorch peer:
 * benchmarks/pytorch/compare_cpu.py, case alexnet_train_b32_64px.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 4)
@Measurement(iterations = 5, time = 4)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class AlexNetTrainStep {
    static final int BATCH = 32;
    static final int SIZE = 64;

    AlexNet net;
    Optimizer optimizer;
    Tensor x;
    Tensor y;

    @Setup
    public void setUp() {
        check();
        net = model(Device.cpu());
        optimizer = Sgd.builder(net.namedParameters()).lr(0.01).momentum(0.9).build();
        x = Inputs.uniform(Device.cpu(), 1, BATCH, 3, SIZE, SIZE);
        y = Inputs.labels(Device.cpu(), 2, BATCH, 10);
    }

    static AlexNet model(Device device) {
        AlexNet net = new AlexNet(new AlexNet.Config(AlexNet.Variant.OWT, 10, 3, SIZE, 0), 42);
        net.to(device);
        return net;
    }

    /** One step's loss and gradients on two images agree between the CPU and reference backends. */
    static void check() {
        Agreement.assertTrainingStepMatches("alexnet_train", model(Device.reference()), model(Device.cpu()), 10, 2, 3, SIZE, SIZE);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double step() {
        try (MemoryScope scope = MemoryScope.open()) { // as the Trainer runs a step
            Tensor loss = Losses.crossEntropy(net.forward(x), y);
            optimizer.zeroGrad();
            loss.backward();
            optimizer.step();
            optimizer.zeroGrad();
            return loss.item();
        }
    }
}
