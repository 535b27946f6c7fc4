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
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * The dispatch cost of a tiny op end to end: adding two 10-element float tensors on the CPU backend (shape and
 * type inference, kernel lookup, output allocation, the kernel), in nanoseconds per op.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class SmallOp {
    Tensor a;
    Tensor b;

    @Setup
    public void setUp() {
        check();
        a = Inputs.uniform(Device.cpu(), 4, 10);
        b = Inputs.uniform(Device.cpu(), 5, 10);
    }

    static void check() {
        float[] x = Inputs.uniform(4, 10);
        float[] y = Inputs.uniform(5, 10);
        float[] want = new float[10];
        for (int i = 0; i < 10; i++) {
            want[i] = x[i] + y[i];
        }
        float[] got = Tensor.of(Device.cpu(), x, 10).add(Tensor.of(Device.cpu(), y, 10)).toFloatArray();
        Agreement.assertClose("small_op_add10", want, got, 0, 0);
    }

    @Benchmark
    public Tensor add10() {
        return a.add(b);
    }
}
