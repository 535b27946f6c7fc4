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
import org.openjdk.jmh.infra.Blackhole;
import striate.autograd.GradMode;
import striate.models.LeNet5;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * LeNet-5 inference on a batch of 1000 in evaluation mode without autograd, in images per second. The logits are
 * checked against the reference backend before timing (on the first 100 images, to keep the check short).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class LeNetInference {
    static final int BATCH = 1000;

    LeNet5 net;
    Tensor x;

    @Setup
    public void setUp() {
        check();
        net = LeNetTrainStep.model(Device.cpu());
        net.eval();
        x = Inputs.uniform(Device.cpu(), 3, BATCH, 1, 28, 28);
    }

    static void check() {
        LeNet5 cpu = LeNetTrainStep.model(Device.cpu());
        LeNet5 ref = LeNetTrainStep.model(Device.reference());
        cpu.eval();
        ref.eval();
        try (GradMode.Scope off = GradMode.off()) {
            float[] want = ref.forward(Inputs.uniform(Device.reference(), 3, 100, 1, 28, 28)).toFloatArray();
            float[] got = cpu.forward(Inputs.uniform(Device.cpu(), 3, 100, 1, 28, 28)).toFloatArray();
            Agreement.assertClose("lenet_infer_b1000 logits", want, got, 1e-4, 1e-5);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void infer(Blackhole sink) {
        try (GradMode.Scope off = GradMode.off(); MemoryScope scope = MemoryScope.open()) {
            sink.consume(net.forward(x).storage());
        }
    }
}
