package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import striate.backend.Backend;
import striate.backend.Backends;
import striate.backend.KernelTrace;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.Op;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.Fixtures.ConvShape;
import striate.testing.Tolerance;

/**
 * Convolutions planned through cuDNN's graph API ({@code -Dstriate.cuda.cudnnApi=graph}, here backends made with that
 * option) against the reference in all three directions, in float32 (strict and TF32), bfloat16 and float16; the
 * deterministic choice repeats bit for bit; the trace names the engine, and strict float32 never runs a tensor-core
 * one.
 */
@Tag("gpu")
class CudnnGraphConvolutionTest {
    private static final Backend REF = Backends.of(Device.reference());
    private static final List<ConvShape> SHAPES = List.of(Fixtures.ODD_CONV, Fixtures.GROUPED_CONV_BATCH,
            Fixtures.LENET_C1_BATCH, Fixtures.LENET_C3_BATCH, Fixtures.LENET_C5_BATCH, Fixtures.PIXEL_CONV);
    /**
     * TF32 keeps 10 of float32's 23 mantissa bits of each operand: an error of about √K·1.3e-4 for K-term sums of
     * values in [-1, 1], absolute rather than relative (outputs near zero keep it whole); at most 0.033 for K = 1,700
     * in a numpy emulation, against outputs of 7–9 rms.
     */
    private static final Tolerance TF32 = new Tolerance(3e-2, 3e-3);

    private static CudaBackend graph(boolean tf32, boolean deterministic) {
        Gpu.backend();
        return new CudaBackend(Device.cuda(0), new CudaOptions(tf32, deterministic, false, true, CudnnApi.GRAPH));
    }

    @Test
    void everyDirectionMatchesTheReferenceInEveryType() {
        CudaBackend strict = graph(false, false);
        for (ConvShape c : SHAPES) {
            for (DType t : new DType[] {DType.F32, DType.BF16, DType.F16}) {
                for (Op op : ops(c)) {
                    check(strict, op, c, t, Tolerance.of(op.getClass(), t));
                }
            }
        }
    }

    /**
     * A 2-byte convolution with its bias (and ReLU): the graph API plans it to add into the bias-filled output
     * (beta = 1), its engine timed on scratch output; the sum must be rounded once, as the reference rounds it.
     */
    @Test
    void biasedTwoByteConvolutionsMatchTheReference() {
        CudaBackend strict = graph(false, false);
        for (ConvShape c : List.of(Fixtures.ODD_CONV, Fixtures.LENET_C3_BATCH)) {
            for (DType t : new DType[] {DType.BF16, DType.F16}) {
                for (boolean relu : new boolean[] {false, true}) {
                    Conv2dOp op = new Conv2dOp(c.params(), true, relu);
                    Tensor got = biased(strict, op, c, t);
                    Tensor want = biased(REF, op, c, t);
                    Tolerance.of(Conv2dOp.class, t).assertClose(c + " " + op + " " + t + " on the graph API", want,
                            got);
                }
            }
        }
    }

    private static Tensor biased(Backend b, Conv2dOp op, ConvShape c, DType t) {
        Device d = b == REF ? Device.reference() : Device.cuda(0);
        Tensor x = Fixtures.uniform(d, 1, c.x()).to(t);
        Tensor w = Fixtures.uniform(d, 2, c.w()).to(t);
        Tensor bias = Fixtures.uniform(d, 4, striate.tensor.Shape.of(c.w().dims()[0])).to(t);
        if (b != REF) {
            Gpu.backend().synchronize();
        }
        return b.execute(op, x, w, bias);
    }

    @Test
    void tf32MatchesTheReferenceWithinTf32sPrecision() {
        CudaBackend tf32 = graph(true, false);
        for (ConvShape c : List.of(Fixtures.LENET_C3_BATCH, Fixtures.LENET_C5_BATCH_700, Fixtures.PIXEL_CONV)) {
            for (Op op : ops(c)) {
                check(tf32, op, c, DType.F32, TF32);
            }
        }
    }

    @Test
    void deterministicChoicesRepeatBitForBit() {
        CudaBackend det = graph(false, true);
        for (ConvShape c : List.of(Fixtures.LENET_C3_BATCH, Fixtures.GROUPED_CONV_BATCH)) {
            for (Op op : ops(c)) {
                double[] first = run(det, op, c, DType.F32).toDoubleArray();
                for (int repeat = 0; repeat < 3; repeat++) {
                    assertArrayEquals(first, run(det, op, c, DType.F32).toDoubleArray(), 0, c + " " + op.name());
                }
            }
        }
    }

    @Test
    void theTraceNamesTheEngineAndStrictFloat32RunsNoTensorCoreEngine() {
        CudaBackend strict = graph(false, false);
        ConvShape c = Fixtures.LENET_C5_BATCH_700;
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            for (Op op : ops(c)) {
                run(strict, op, c, DType.F32);
            }
            List<KernelTrace.Event> convs = r.events().stream().filter(e -> e.op().startsWith("Conv2d")).toList();
            System.out.print("graph API, strict float32, " + c + ":\n" + r.summary());
            assertTrue(convs.size() == 3 && convs.stream().allMatch(e -> e.kernel().equals("CudnnConv2d")
                    && e.path().startsWith("cudnn graph engine ")), convs.toString());
            assertFalse(convs.stream().anyMatch(e -> e.path().contains("tensor core")), convs.toString());
        }
    }

    private static List<Op> ops(ConvShape c) {
        return List.of(new Conv2dOp(c.params()), new Conv2dBackwardDataOp(c.params(), c.x()),
                new Conv2dBackwardFilterOp(c.params(), c.w()));
    }

    private static void check(Backend b, Op op, ConvShape c, DType t, Tolerance tolerance) {
        Tensor got = run(b, op, c, t);
        Tensor want = run(REF, op, c, t);
        tolerance.assertClose(c + " " + op.name() + " " + t + " on the graph API", want, got);
    }

    /** The op on {@code b}, its inputs (x or dy, then w or dy) drawn on {@code b}'s device with fixed seeds. */
    private static Tensor run(Backend b, Op op, ConvShape c, DType t) {
        Device d = b == REF ? Device.reference() : Device.cuda(0);
        Tensor x = Fixtures.uniform(d, 1, c.x()).to(t);
        Tensor w = Fixtures.uniform(d, 2, c.w()).to(t);
        Tensor dy = Fixtures.uniform(d, 3, c.y()).to(t);
        if (b != REF) { // made on the default backend's stream; b has its own, which nothing orders after that one
            Gpu.backend().synchronize();
        }
        return switch (op) {
            case Conv2dOp f -> b.execute(f, x, w);
            case Conv2dBackwardDataOp g -> b.execute(g, dy, w);
            case Conv2dBackwardFilterOp g -> b.execute(g, x, dy);
            default -> throw new IllegalArgumentException(op.name());
        };
    }
}
