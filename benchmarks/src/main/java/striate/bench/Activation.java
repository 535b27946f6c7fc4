package striate.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * An activation forward and backward on LeNet C1's output at batch 64, x [64, 6, 28, 28] with a gradient, backward
 * of sum(y · dy); in calls per second. The input gradient is checked against the reference first. PyTorch peers:
 * cases act_relu_fwdbwd, act_tanh_fwdbwd, act_sigmoid_fwdbwd.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Activation {
    @Param({"relu", "tanh", "sigmoid"})
    public String fn;

    Tensor x;
    Tensor dy;

    @Setup
    public void setUp() {
        check(fn);
        x = Inputs.uniform(Device.cpu(), 14, 64, 6, 28, 28).requiresGrad(true);
        dy = Inputs.uniform(Device.cpu(), 15, 64, 6, 28, 28);
    }

    static Tensor apply(String fn, Tensor x) {
        return switch (fn) {
            case "relu" -> x.relu();
            case "tanh" -> x.tanh();
            case "sigmoid" -> x.sigmoid();
            default -> throw new IllegalArgumentException("unknown activation " + fn);
        };
    }

    /** Forward, then backward of sum(y · dy). Returns dx. */
    static float[] run(String fn, Tensor x, Tensor dy) {
        try (MemoryScope scope = MemoryScope.open()) {
            apply(fn, x).mul(dy).sum().backward();
            return x.grad().toFloatArray();
        }
    }

    static void check(String fn) {
        float[] got = run(fn, Inputs.uniform(Device.cpu(), 14, 64, 6, 28, 28).requiresGrad(true),
                Inputs.uniform(Device.cpu(), 15, 64, 6, 28, 28));
        float[] want = run(fn, Inputs.uniform(Device.reference(), 14, 64, 6, 28, 28).requiresGrad(true),
                Inputs.uniform(Device.reference(), 15, 64, 6, 28, 28));
        Agreement.assertClose("act_" + fn + "_fwdbwd dx", want, got, 1e-5, 1e-5);
    }

    @Benchmark
    public void forwardBackward() {
        x.setGrad(null);
        try (MemoryScope scope = MemoryScope.open()) {
            apply(fn, x).mul(dy).sum().backward();
        }
    }
}
