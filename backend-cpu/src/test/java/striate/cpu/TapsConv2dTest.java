package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.nn.Functional;
import striate.op.Conv2dOp;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.Tolerance;

/**
 * The taps algorithm of the forward 1-D convolution against the reference backend: text-CNN widths, a wide
 * (padded) convolution as the k-max CNN has, dilation, and the fused bias and ReLU; the kernel trace shows it ran.
 */
class TapsConv2dTest {
    private static final Tolerance CLOSE = Tolerance.of(Conv2dOp.class, DType.F32);

    /** One conv1d: x [n, c, l], weight [k, c, kw], padding, dilation, and whether bias and ReLU are fused. */
    private record Case(String name, long[] x, long[] w, int padding, int dilation, boolean biasRelu) {
    }

    private static final List<Case> CASES = List.of(
            new Case("text 128→100 width 5, length 300", new long[] {3, 128, 300}, new long[] {100, 128, 5}, 0, 1,
                    false),
            new Case("text 128→100 width 3, bias and ReLU", new long[] {2, 128, 257}, new long[] {100, 128, 3}, 0, 1,
                    true),
            new Case("wide 128→100 width 7 pad 6", new long[] {2, 128, 200}, new long[] {100, 128, 7}, 6, 1, true),
            new Case("128→100 width 4 dilation 3 pad 2", new long[] {2, 128, 180}, new long[] {100, 128, 4}, 2, 3,
                    false));

    @Test
    void oneGemmOverTheTapsMatchesTheReference() {
        for (Case c : CASES) {
            Tensor want = conv(Device.reference(), c);
            try (KernelTrace.Recorder r = KernelTrace.record()) {
                Tensor got = conv(Device.cpu(), c);
                CLOSE.assertClose(c.name(), want, got);
                assertEquals(List.of("taps"), r.events().stream().filter(e -> e.op().startsWith("Conv2dOp"))
                        .map(KernelTrace.Event::path).toList(), c.name());
            }
        }
    }

    private static Tensor conv(Device d, Case c) {
        Tensor x = Fixtures.uniform(d, 3, -1, 1, c.x());
        Tensor w = Fixtures.uniform(d, 4, -0.2, 0.2, c.w());
        Tensor b = c.biasRelu() ? Fixtures.uniform(d, 5, -0.5, 0.5, c.w()[0]) : null;
        return Functional.conv1d(x, w, b, 1, c.padding(), c.dilation(), 1, c.biasRelu());
    }
}
