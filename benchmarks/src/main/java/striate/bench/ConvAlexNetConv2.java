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
import org.openjdk.jmh.infra.Blackhole;
import striate.autograd.GradMode;
import striate.nn.Functional;
import striate.op.ConvParams;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * AlexNet's conv2 forward without autograd: x [16, 96, 27, 27], w [256, 96, 5, 5], b [256], padding 2, one group
 * (the original split it over two GPUs with groups = 2); 14.3 GFLOP per call, in calls per second. Checked against
 * the reference backend first on one image and 16 filters (the full shape would take the scalar reference minutes).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class ConvAlexNetConv2 {
    static final ConvParams PARAMS = ConvParams.of(1, 2);

    Tensor x;
    Tensor w;
    Tensor b;

    @Setup
    public void setUp() {
        check();
        x = Inputs.uniform(Device.cpu(), 12, 16, 96, 27, 27);
        w = Inputs.uniform(Device.cpu(), 13, 256, 96, 5, 5);
        b = Inputs.uniform(Device.cpu(), 14, 256);
    }

    static void check() {
        try (GradMode.Scope off = GradMode.off()) {
            float[] want = Functional.conv2d(Inputs.uniform(Device.reference(), 12, 1, 96, 27, 27),
                    Inputs.uniform(Device.reference(), 13, 16, 96, 5, 5), Inputs.uniform(Device.reference(), 14, 16),
                    PARAMS).toFloatArray();
            float[] got = Functional.conv2d(Inputs.uniform(Device.cpu(), 12, 1, 96, 27, 27),
                    Inputs.uniform(Device.cpu(), 13, 16, 96, 5, 5), Inputs.uniform(Device.cpu(), 14, 16),
                    PARAMS).toFloatArray();
            Agreement.assertClose("conv_alexnet_conv2_fwd", want, got, 1e-4, 1e-3);
        }
    }

    @Benchmark
    public void forward(Blackhole sink) {
        try (GradMode.Scope off = GradMode.off(); MemoryScope scope = MemoryScope.open()) { // memory reused next call
            sink.consume(Functional.conv2d(x, w, b, PARAMS).storage());
        }
    }
}
