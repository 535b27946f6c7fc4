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
import striate.op.ConvParams;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * LeNet's C1 forward and backward on a batch of 64: x [64, 1, 28, 28] (no gradient, like input images), w [6, 1,
 * 5, 5] and b [6] with gradients, padding 2; in calls per second. The filter and bias gradients are checked
 * against the reference backend before timing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ConvLeNetC1 {
    static final ConvParams PARAMS = ConvParams.of(1, 2);

    Tensor x;
    Tensor w;
    Tensor b;
    Tensor dy;

    @Setup
    public void setUp() {
        check();
        x = Inputs.uniform(Device.cpu(), 8, 64, 1, 28, 28);
        w = Inputs.uniform(Device.cpu(), 9, 6, 1, 5, 5).requiresGrad(true);
        b = Inputs.uniform(Device.cpu(), 10, 6).requiresGrad(true);
        dy = Inputs.uniform(Device.cpu(), 11, 64, 6, 28, 28);
    }

    /** Forward, then backward of sum(y · dy) so the output gradient is dy. Returns [dW, db]. */
    static Tensor[] run(Tensor x, Tensor w, Tensor b, Tensor dy) {
        Functional.conv2d(x, w, b, PARAMS).mul(dy).sum().backward();
        return new Tensor[] {w.grad(), b.grad()};
    }

    static void check() {
        Device cpu = Device.cpu();
        Device ref = Device.reference();
        Tensor[] got = run(Inputs.uniform(cpu, 8, 64, 1, 28, 28), Inputs.uniform(cpu, 9, 6, 1, 5, 5).requiresGrad(true),
                Inputs.uniform(cpu, 10, 6).requiresGrad(true), Inputs.uniform(cpu, 11, 64, 6, 28, 28));
        Tensor[] want = run(Inputs.uniform(ref, 8, 64, 1, 28, 28), Inputs.uniform(ref, 9, 6, 1, 5, 5).requiresGrad(true),
                Inputs.uniform(ref, 10, 6).requiresGrad(true), Inputs.uniform(ref, 11, 64, 6, 28, 28));
        Agreement.assertClose("conv_lenet_c1_fwdbwd dW", want[0].toFloatArray(), got[0].toFloatArray(), 1e-3, 1e-3);
        Agreement.assertClose("conv_lenet_c1_fwdbwd db", want[1].toFloatArray(), got[1].toFloatArray(), 1e-3, 1e-3);
    }

    @Benchmark
    public Tensor[] forwardBackward() {
        w.setGrad(null); // gradients accumulate; start each call from none
        b.setGrad(null);
        return run(x, w, b, dy);
    }
}
