package striate.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import striate.nn.Functional;
import striate.op.PoolParams;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * LeNet's S2 max pool (2×2, stride 2) forward and backward on C1's output at batch 64: x [64, 6, 28, 28] with a
 * gradient, backward of sum(y · dy); in calls per second. The input gradient is checked against the reference
 * first. PyTorch peer: case pool_lenet_s2_fwdbwd.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class PoolLeNetS2 {
    static final PoolParams PARAMS = PoolParams.of(2, 2);

    Tensor x;
    Tensor dy;

    @Setup
    public void setUp() {
        check();
        x = Inputs.uniform(Device.cpu(), 12, 64, 6, 28, 28).requiresGrad(true);
        dy = Inputs.uniform(Device.cpu(), 13, 64, 6, 14, 14);
    }

    /** Forward, then backward of sum(y · dy). Returns dx. */
    static float[] run(Tensor x, Tensor dy) {
        x.setGrad(null);
        try (MemoryScope scope = MemoryScope.open()) {
            Functional.maxPool2d(x, PARAMS).mul(dy).sum().backward();
            return x.grad().toFloatArray();
        }
    }

    static void check() {
        float[] got = run(Inputs.uniform(Device.cpu(), 12, 64, 6, 28, 28).requiresGrad(true),
                Inputs.uniform(Device.cpu(), 13, 64, 6, 14, 14));
        float[] want = run(Inputs.uniform(Device.reference(), 12, 64, 6, 28, 28).requiresGrad(true),
                Inputs.uniform(Device.reference(), 13, 64, 6, 14, 14));
        Agreement.assertClose("pool_lenet_s2_fwdbwd dx", want, got, 1e-6, 1e-6);
    }

    @Benchmark
    public void forwardBackward() {
        x.setGrad(null);
        try (MemoryScope scope = MemoryScope.open()) {
            Functional.maxPool2d(x, PARAMS).mul(dy).sum().backward();
        }
    }
}
