package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.op.BinaryOp;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.Tolerance;

/**
 * The elementwise kernels' broadcast forms on batch-norm shapes ([n, c, h, w] against a channel [1, c, 1, 1]): a
 * channel given as a tensor or as a view expanded to the full shape (the gradient of a sum) is read in place in
 * either operand position, other layouts are gathered, and where reads one-value operands in place; every result
 * against the reference backend's, and the paths in the kernel trace.
 */
class CpuElementwiseTest {
    private static final long[] DIMS = {3, 5, 7, 9}; // 945 elements: vector tails at every lane width
    private static final Tolerance CLOSE = Tolerance.of(BinaryOp.class, DType.F32);

    /** The same computation on the reference and the CPU backend agrees, result by result. */
    private static void assertMatchesReference(Function<Device, List<Tensor>> run) {
        List<Tensor> want = run.apply(Device.reference());
        List<Tensor> got = run.apply(Device.cpu());
        for (int k = 0; k < want.size(); k++) {
            assertEquals(want.get(k).shape(), got.get(k).shape(), "result " + k);
            assertNull(CLOSE.mismatches("result " + k, want.get(k).toDoubleArray(), got.get(k).toDoubleArray()));
        }
    }

    private static List<Tensor> binaries(Device d) {
        Tensor x = Fixtures.uniform(d, 301, -1, 1, DIMS);
        Tensor channel = Fixtures.uniform(d, 302, 0.5, 2, 1, 5, 1, 1);
        Tensor expanded = channel.expand(Shape.of(DIMS)); // strides [0, 1, 0, 0]
        Tensor rows = Fixtures.uniform(d, 303, -1, 1, 3, 5, 1, 1).expand(Shape.of(DIMS)); // [n, c] repeated
        Tensor block = Fixtures.uniform(d, 304, -1, 1, 7, 9).expand(Shape.of(DIMS)); // a trailing block
        Tensor one = Fixtures.uniform(d, 305, 1, 2, 1).expand(Shape.of(DIMS));
        return List.of(x.mul(channel), channel.mul(x), x.add(expanded), expanded.add(x), x.div(expanded),
                expanded.sub(x), expanded.div(x), x.sub(rows), rows.mul(x), x.add(block), block.add(x), x.mul(one),
                one.mul(x), expanded.mul(expanded), x.sub(x.permute(0, 1, 3, 2).permute(0, 1, 3, 2)));
    }

    @Test
    void channelsAndExpandedViewsMatchTheReference() {
        assertMatchesReference(CpuElementwiseTest::binaries);
    }

    @Test
    void expandedViewsAreReadInPlaceInEitherPositionWhereTheFunctionCommutes() {
        List<String> paths;
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            binaries(Device.cpu());
            paths = r.events().stream().map(Object::toString).filter(e -> e.startsWith("BinaryOp")).toList();
        }
        assertEquals(List.of("BinaryOp(MUL) → CpuElementwise [repeated]", "BinaryOp(MUL) → CpuElementwise [repeated]",
                "BinaryOp(ADD) → CpuElementwise [repeated]", "BinaryOp(ADD) → CpuElementwise [repeated]",
                "BinaryOp(DIV) → CpuElementwise [repeated]",
                "BinaryOp(SUB) → CpuElementwise [same shape]", "BinaryOp(DIV) → CpuElementwise [same shape]",
                "BinaryOp(SUB) → CpuElementwise [repeated]", "BinaryOp(MUL) → CpuElementwise [repeated]",
                "BinaryOp(ADD) → CpuElementwise [trailing]", "BinaryOp(ADD) → CpuElementwise [trailing]",
                "BinaryOp(MUL) → CpuElementwise [one value]", "BinaryOp(MUL) → CpuElementwise [one value]",
                "BinaryOp(MUL) → CpuElementwise [repeated]", "BinaryOp(SUB) → CpuElementwise [same shape]"), paths,
                "a broadcast a before a full b swaps for + and ×; for − and ÷ it is gathered and b is full");
    }

    @Test
    void aStridedOperandIsGathered() {
        Tensor x = Fixtures.uniform(Device.cpu(), 306, -1, 1, DIMS);
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            x.add(x.permute(0, 1, 3, 2).contiguous().permute(0, 1, 3, 2));
            assertEquals(List.of("BinaryOp(ADD) → CpuElementwise [gathered]"), r.events().stream()
                    .map(Object::toString).filter(e -> e.startsWith("BinaryOp")).toList());
        }
    }

    @Test
    void whereReadsOneValuesAndBroadcastsAsTheReference() {
        assertMatchesReference(d -> {
            Tensor x = Fixtures.uniform(d, 307, -1, 1, DIMS);
            Tensor zero = x.scalarLike(0);
            Tensor c = x.step(); // 0 or 1
            Tensor channel = Fixtures.uniform(d, 308, -1, 1, 1, 5, 1, 1);
            return List.of(Tensor.where(c, x, x.mul(0.2)), Tensor.where(c, x, zero), Tensor.where(c, zero, x),
                    Tensor.where(c, channel, x), Tensor.where(x.gt(zero), zero, channel),
                    Tensor.where(c.permute(0, 1, 3, 2).contiguous().permute(0, 1, 3, 2), x, zero));
        });
    }

    @Test
    void powerOfOneIsACopyAndKeepsNegativeZero() {
        Tensor x = Tensor.of(Device.cpu(), new float[] {-0f, 0f, -1.5f, Float.NaN, 3e-39f}, 5);
        float[] y = x.pow(1).toFloatArray();
        float[] want = x.toFloatArray();
        for (int i = 0; i < want.length; i++) {
            assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(y[i]), "element " + i);
        }
    }
}
