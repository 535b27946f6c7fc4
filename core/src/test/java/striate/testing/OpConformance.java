package striate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import striate.backend.Backend;
import striate.backend.Backends;
import striate.op.AdamUpdateOp;
import striate.op.AffineOp;
import striate.op.BatchNormBackwardOp;
import striate.op.BatchNormOp;
import striate.op.BinaryFn;
import striate.op.BinaryOp;
import striate.op.CastOp;
import striate.op.CatOp;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.CopyOp;
import striate.op.CrossEntropyBackwardOp;
import striate.op.CrossEntropyOp;
import striate.op.EmbeddingBackwardOp;
import striate.op.EmbeddingOp;
import striate.op.GruCellBackwardOp;
import striate.op.GruCellOp;
import striate.op.GruLayerBackwardOp;
import striate.op.GruLayerOp;
import striate.op.KMaxPoolBackwardOp;
import striate.op.KMaxPoolOp;
import striate.op.LeakyReluBackwardOp;
import striate.op.LeakyReluOp;
import striate.op.LogSoftmaxOp;
import striate.op.LstmCellBackwardOp;
import striate.op.LstmCellOp;
import striate.op.LstmLayerBackwardOp;
import striate.op.LstmLayerOp;
import striate.op.MatMulOp;
import striate.op.Op;
import striate.op.PadOp;
import striate.op.Pool2dBackwardOp;
import striate.op.Pool2dOp;
import striate.op.PoolMode;
import striate.op.PoolParams;
import striate.op.PowerOp;
import striate.op.RandomNormalOp;
import striate.op.RandomUniformOp;
import striate.op.ReduceFn;
import striate.op.ReduceOp;
import striate.op.SgdUpdateOp;
import striate.op.SoftmaxOp;
import striate.op.UnaryFn;
import striate.op.UnaryOp;
import striate.op.WhereOp;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Shape;
import striate.tensor.Tensor;
import striate.testing.Fixtures.ConvShape;
import striate.testing.Fixtures.DenseShape;
import striate.testing.Fixtures.LrnShape;
import striate.testing.Fixtures.PoolShape;

/**
 * A backend agrees with the reference: every non-view op (forward ops, their backward ops called directly, the
 * in-place optimizer updates) runs on the device under test and on {@code Device.reference()} with the same
 * float32 inputs from {@link Fixtures}, and each result is compared with {@link Tolerance}. Shapes are tiny,
 * odd (7, 33, 1025), strided views, LeNet's and AlexNet's. Subclasses only name the device
 * ({@code CpuConformanceTest}, {@code CudaConformanceTest}). Coverage tests fail when an op of the sealed
 * hierarchy, a unary or binary function, a reduction or a pooling mode has no case, so none can slip by.
 */
public abstract class OpConformance {
    private static final long[] ODD = Fixtures.ODD_SIZES;

    /** The device whose backend is checked against the reference. */
    protected abstract Device device();

    /** Makes one input on a device; called once per device, so both sides get equal values. */
    @FunctionalInterface
    public interface Input {
        Tensor on(Device device);
    }

    /**
     * Computes a case's results on {@code backend} from inputs on its device. Single ops execute on
     * {@code backend}; composed cases use tensor methods, which dispatch to the inputs' backend.
     */
    @FunctionalInterface
    public interface Run {
        Tensor[] apply(Backend backend, Tensor[] inputs);
    }

    /** One comparison: the op it exercises (the first of a composition), its inputs and how to run it. */
    public record Case(String name, Op op, List<Input> inputs, Run run) {
        public Tensor[] inputsOn(Device device) {
            return inputs.stream().map(i -> i.on(device)).toArray(Tensor[]::new);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("striate.testing.OpConformance#cases")
    public void matchesReference(Case c) {
        compare(c, Backends.of(Device.reference()), Backends.of(device()));
    }

    /**
     * The same with the device side on recycled memory: a first run inside a scope leaves its blocks in the pool
     * (filled with NaN under {@code -Dstriate.poisonUninitialized=true}, which the build sets) and the compared run
     * reuses them, while the reference runs on fresh memory outside any scope. A kernel that leaves part of its
     * output unwritten fails here, although fresh zeroed memory hides it above; on the reference device this
     * checks the reference kernels themselves.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("striate.testing.OpConformance#cases")
    public void matchesReferenceOnRecycledMemory(Case c) {
        Backend reference = Backends.of(Device.reference());
        Backend backend = Backends.of(device());
        Tensor[] want = c.run().apply(reference, c.inputsOn(reference.device()));
        try (MemoryScope first = MemoryScope.open()) {
            c.run().apply(backend, c.inputsOn(backend.device()));
        }
        try (MemoryScope second = MemoryScope.open()) {
            assertAgree(c, backend, want, c.run().apply(backend, c.inputsOn(backend.device())));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("striate.testing.OpConformance#lowPrecisionCases")
    public void lowPrecisionMatchesReference(Case c) {
        compare(c, Backends.of(Device.reference()), Backends.of(device()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("striate.testing.OpConformance#lowPrecisionCases")
    public void lowPrecisionMatchesReferenceOnRecycledMemory(Case c) {
        matchesReferenceOnRecycledMemory(c);
    }

    @Test
    public void backendServesTheDeviceUnderTest() {
        Backend b = Backends.of(device());
        assertEquals(device(), b.device());
        assertEquals(device().kind().label(), b.name(), "backend name for " + device());
    }

    @Test
    public void everyNonViewOpHasACase() {
        Set<Class<?>> covered = new HashSet<>();
        cases().forEach(c -> covered.add(c.op().getClass()));
        List<String> missing = OpHierarchy.withKernels().stream().filter(k -> !covered.contains(k))
                .map(Class::getSimpleName).toList();
        assertTrue(missing.isEmpty(), "ops without a conformance case: " + missing);
    }

    @Test
    public void everyFunctionAndModeHasACase() {
        Set<UnaryFn> unary = EnumSet.noneOf(UnaryFn.class);
        Set<BinaryFn> binary = EnumSet.noneOf(BinaryFn.class);
        Set<ReduceFn> reduce = EnumSet.noneOf(ReduceFn.class);
        Set<PoolMode> pool = EnumSet.noneOf(PoolMode.class);
        Set<PoolMode> poolBackward = EnumSet.noneOf(PoolMode.class);
        for (Case c : cases()) {
            switch (c.op()) {
                case UnaryOp u -> unary.add(u.fn());
                case BinaryOp b -> binary.add(b.fn());
                case ReduceOp r -> reduce.add(r.fn());
                case Pool2dOp p -> pool.add(p.mode());
                case Pool2dBackwardOp p -> poolBackward.add(p.mode());
                default -> { }
            }
        }
        assertEquals(EnumSet.allOf(UnaryFn.class), unary, "unary functions with a case");
        assertEquals(EnumSet.allOf(BinaryFn.class), binary, "binary functions with a case");
        assertEquals(EnumSet.allOf(ReduceFn.class), reduce, "reductions with a case");
        assertEquals(EnumSet.allOf(PoolMode.class), pool, "pooling modes with a forward case");
        assertEquals(EnumSet.allOf(PoolMode.class), poolBackward, "pooling modes with a backward case");
    }

    /**
     * Runs {@code c} on {@code reference} and on {@code backend} and fails, naming the case and listing the first
     * mismatches, unless every result is on the backend's device and within {@link Tolerance} of the reference.
     */
    public static void compare(Case c, Backend reference, Backend backend) {
        Tensor[] want = c.run().apply(reference, c.inputsOn(reference.device()));
        assertAgree(c, backend, want, c.run().apply(backend, c.inputsOn(backend.device())));
    }

    private static void assertAgree(Case c, Backend backend, Tensor[] want, Tensor[] got) {
        if (want.length != got.length) {
            throw new AssertionError(c.name() + ": " + got.length + " results, the reference gives " + want.length);
        }
        for (int i = 0; i < want.length; i++) {
            String what = c.name() + " on " + backend.name() + (want.length > 1 ? ", result " + i : "");
            if (!got[i].device().equals(backend.device())) {
                throw new AssertionError(what + ": result is on " + got[i].device() + ", not " + backend.device());
            }
            Tolerance.of(c.op().getClass(), want[i].dtype()).assertClose(what, want[i], got[i]);
        }
    }

    /** Every case of the suite. */
    public static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        elementwise(c);
        reductions(c);
        linear(c);
        pooling(c);
        softmaxAndLoss(c);
        recurrent(c);
        batchNorm(c);
        dataMovement(c);
        updates(c);
        return c;
    }

    /**
     * Mixed precision's cases: casts to and from bfloat16 and float16 (ties, overflow to infinity, subnormals, NaN,
     * strided sources), and the ops autocast runs in the low type (matmul, convolution and its two backward ops, the
     * pooling and elementwise ops between them) on low-precision inputs, whose products the reference sums in double
     * and a fast backend in float32, each rounding the result once to the low type.
     */
    public static List<Case> lowPrecisionCases() {
        List<Case> c = new ArrayList<>();
        for (DType low : new DType[] {DType.BF16, DType.F16}) {
            String t = low == DType.BF16 ? "bf16" : "f16";
            c.add(op("cast f32→" + t + " [1025]", new CastOp(low), u(110, 1025)));
            c.add(op("cast f64→" + t + " [1025]", new CastOp(low), d -> Fixtures.uniform(d, 111, -3, 3, 1025)
                    .to(DType.F64)));
            c.add(op("cast f64→" + t + " beside ties", new CastOp(low), besideTies()));
            c.add(op("cast i32→" + t + " beside ties", new CastOp(low),
                    d -> Tensor.ofInts(d, new int[] {16842753, 2049 + (1 << 20), -16842753, 65535, 2049})));
            c.add(op("cast f32→" + t + " strided [33, 7]", new CastOp(low), transposed(u(112, 7, 33))));
            c.add(op("cast f32→" + t + " specials", new CastOp(low), specials()));
            c.add(op("cast " + t + "→f32 [1025]", new CastOp(DType.F32), low(113, low, 1025)));
            c.add(op("cast " + t + "→f64 [33]", new CastOp(DType.F64), low(114, low, 33)));
            c.add(op("matmul " + t + " 7x1025 · 1025x33", new MatMulOp(false, false), low(115, low, 7, 1025),
                    low(116, low, 1025, 33)));
            c.add(op("matmul " + t + " x·wᵀ 33x7 · (5x7)ᵀ", new MatMulOp(false, true), low(117, low, 33, 7),
                    low(118, low, 5, 7)));
            ConvShape c3 = Fixtures.LENET_C3_BATCH;
            c.add(op("conv2d bias " + t + " " + c3, new Conv2dOp(c3.params(), true, false), low(119, low, c3.x()),
                    low(120, low, c3.w()), low(121, low, c3.w().dim(0))));
            ConvShape c1 = Fixtures.LENET_C1_BATCH;
            c.add(op("conv2d relu " + t + " " + c1, new Conv2dOp(c1.params(), false, true), low(122, low, c1.x()),
                    low(123, low, c1.w())));
            c.add(op("conv2d backward data " + t + " " + c3, new Conv2dBackwardDataOp(c3.params(), c3.x()),
                    low(124, low, c3.y()), low(120, low, c3.w())));
            c.add(op("conv2d backward filter " + t + " " + c3, new Conv2dBackwardFilterOp(c3.params(), c3.w()),
                    low(119, low, c3.x()), low(124, low, c3.y())));
            PoolShape s2 = Fixtures.LENET_S2;
            c.add(op("pool MAX " + t + " " + s2, new Pool2dOp(PoolMode.MAX, s2.params()), low(125, low, s2.x())));
            c.add(op("pool backward AVG " + t + " " + s2, new Pool2dBackwardOp(PoolMode.AVG, s2.params()),
                    low(125, low, s2.x()), low(126, low, s2.y())));
            c.add(op("relu " + t + " [1025]", new UnaryOp(UnaryFn.RELU), low(127, low, 1025)));
            c.add(op("exp " + t + " [1025]", new UnaryOp(UnaryFn.EXP), low(128, low, 1025)));
            c.add(op("add " + t + " broadcast [7, 33] + [33]", new BinaryOp(BinaryFn.ADD), low(129, low, 7, 33),
                    low(130, low, 33)));
            c.add(op("affine " + t + " [33]", new AffineOp(0.3, -1), low(131, low, 33)));
            c.add(op("reduce sum " + t + " [7, 33] axis 1", new ReduceOp(ReduceFn.SUM, new int[] {1}, false),
                    low(132, low, 7, 33)));
            c.add(op("random uniform " + t + " [33, 1025]", new RandomUniformOp(Shape.of(33, 1025), 0, 1, 133, low)));
            c.add(op("copy " + t + " strided [33, 7]", new CopyOp(), transposed(low(134, low, 7, 33))));
            c.add(op("cat " + t + " axis 1 [7, 3] [7, 5]", new CatOp(1, 2), low(135, low, 7, 3), low(136, low, 7, 5)));
        }
        return c;
    }

    /** Values in [−1, 1) cast to a low-precision type on the device. */
    private static Input low(long seed, DType type, long... dims) {
        return d -> Fixtures.uniform(d, seed, -1, 1, dims).to(type);
    }

    private static Input low(long seed, DType type, Shape s) {
        return low(seed, type, s.dims());
    }

    /**
     * float32 values at the edges of the low types: ties between neighbours, float16's overflow and subnormals,
     * bfloat16's largest, NaN and the infinities.
     */
    /** Float64 values a hair past a bfloat16 or float16 tie: rounded through float32 they land on it, as PyTorch's. */
    private static Input besideTies() {
        double[] v = {-3.9453125000000004, 1 + 0x1p-8 + 0x1p-40, 1 + 0x1p-11 + 0x1p-40, -(1 + 0x1p-11 + 0x1p-40),
            1 + 3 * 0x1p-12 - 0x1p-45, 65519.99999};
        return d -> Tensor.of(d, DType.F64, v);
    }

    private static Input specials() {
        double[] v = {1 + 0x1p-8, 1 + 3 * 0x1p-8, 1 + 0x1p-11, 1 + 3 * 0x1p-11, 65504, 65519, 65520, 1e5, -1e5,
            0x1p-24, 0x1p-25, 3 * 0x1p-25, 1e-6, Float.MAX_VALUE, -Float.MIN_VALUE, Double.NaN,
            Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0};
        return d -> Tensor.of(d, DType.F32, v);
    }

    // ---- inputs ------------------------------------------------------------------------------------------

    private static Input range(long seed, double low, double high, long... dims) {
        return d -> Fixtures.uniform(d, seed, low, high, dims);
    }

    private static Input u(long seed, long... dims) {
        return range(seed, -1, 1, dims);
    }

    private static Input u(long seed, Shape s) {
        return range(seed, -1, 1, s.dims());
    }

    /** Values in [0.5, 2): away from the poles and branch cuts of log, sqrt, div and negative powers. */
    private static Input pos(long seed, long... dims) {
        return range(seed, 0.5, 2, dims);
    }

    /** Whole numbers in [−3, 3]: ties and zeros. */
    private static Input grid(long seed, long... dims) {
        return d -> Fixtures.grid(d, seed, 3, dims);
    }

    private static Input grid(long seed, Shape s) {
        return grid(seed, s.dims());
    }

    /** A strided [rows, cols] view: the transpose of a contiguous [cols, rows] tensor. */
    private static Input transposed(Input contiguous) {
        return d -> contiguous.on(d).transpose(0, 1);
    }

    private static Input labels(long seed, int n, int classes) {
        return d -> Fixtures.labels(d, seed, n, classes);
    }

    private static Input zeros(long... dims) {
        return d -> Tensor.zeros(d, DType.F32, dims);
    }

    /** An optimizer's step count: a float32 scalar. */
    private static Input step(long count) {
        return d -> Tensor.scalar(d, DType.F32, count);
    }

    /**
     * An Adam step count as the optimizer holds it: a scalar view at an offset into a vector of counts, one per
     * parameter (kernels must read it at the view's offset).
     */
    private static Input stepView(long count) {
        return d -> {
            Tensor counts = Tensor.zeros(d, DType.F32, 3);
            counts.copyFrom(new double[] {7, count, 9});
            return counts.slice(0, 1, 2).reshape();
        };
    }

    /** A guarded update's skip flag: a float32 scalar, 1 to skip. */
    private static Input flag(double v) {
        return d -> Tensor.scalar(d, DType.F32, v);
    }

    /**
     * Runs a guarded update with its flag (input {@code flag}) at 1 and an inf and a NaN in its gradient (input
     * {@code grad}), then puts gradient and flag back: the update must change nothing.
     */
    private static void skippedWithAnInfGradient(Backend b, Op update, Tensor[] x, int grad, int flag) {
        double[] g = x[grad].toDoubleArray();
        double[] bad = g.clone();
        bad[3] = Double.POSITIVE_INFINITY;
        bad[7] = Double.NaN;
        x[grad].copyFrom(bad);
        x[flag].copyFrom(new double[] {1});
        b.execute(update, x);
        x[grad].copyFrom(g);
        x[flag].copyFrom(new double[] {0});
    }

    private static Case op(String name, Op op, Input... inputs) {
        return new Case(name, op, List.of(inputs), (b, x) -> new Tensor[] {b.execute(op, x)});
    }

    private static String dims(long... d) {
        return Shape.of(d).toString();
    }

    // ---- cases -------------------------------------------------------------------------------------------

    private static void elementwise(List<Case> c) {
        for (UnaryFn fn : UnaryFn.values()) {
            boolean positive = fn == UnaryFn.LOG || fn == UnaryFn.SQRT || fn == UnaryFn.LOG1P;
            UnaryOp op = new UnaryOp(fn);
            for (long n : ODD) {
                c.add(op("unary " + fn + " " + dims(n), op, positive ? pos(n, n) : range(n, -3, 3, n)));
            }
            c.add(op("unary " + fn + " strided [33, 7]", op, transposed(positive ? pos(2, 7, 33) : range(2, -3, 3, 7, 33))));
            c.add(op("unary " + fn + " zeros, ties, negatives", op, grid(3, 7, 33)));
        }
        for (UnaryFn fn : List.of(UnaryFn.EXP, UnaryFn.SIGMOID, UnaryFn.TANH)) {
            c.add(op("unary " + fn + " large magnitudes [-90, 90)", new UnaryOp(fn), range(4, -90, 90, 1025)));
        }
        // ReLU lets NaN through (as PyTorch's does), so a layer whose weights went NaN makes the loss NaN
        c.add(op("unary RELU NaN [1025]", new UnaryOp(UnaryFn.RELU), withNaNs(range(9, -3, 3, 1025))));
        c.add(op("affine [1025]", new AffineOp(-1.5, 0.25), u(5, 1025)));
        c.add(op("affine strided [33, 7]", new AffineOp(3, -1), transposed(u(6, 7, 33))));
        c.add(op("power 2 [1025]", new PowerOp(2), u(7, 1025)));
        c.add(op("power 3 [33]", new PowerOp(3), range(8, -3, 3, 33)));
        c.add(op("power -0.5 [1025]", new PowerOp(-0.5), pos(9, 1025)));
        c.add(op("power 0.75 strided [33, 7]", new PowerOp(0.75), transposed(pos(10, 7, 33))));
        for (BinaryFn fn : BinaryFn.values()) {
            BinaryOp op = new BinaryOp(fn);
            boolean ties = fn.isComparison() || fn == BinaryFn.MAXIMUM || fn == BinaryFn.MINIMUM;
            boolean divide = fn == BinaryFn.DIV;
            c.add(op("binary " + fn + " [1025] [1025]", op, ties ? grid(11, 1025) : u(11, 1025),
                    divide ? pos(12, 1025) : ties ? grid(12, 1025) : u(12, 1025)));
            c.add(op("binary " + fn + " broadcast [7, 33] [33]", op, ties ? grid(13, 7, 33) : u(13, 7, 33),
                    divide ? pos(14, 33) : ties ? grid(14, 33) : u(14, 33)));
            c.add(op("binary " + fn + " broadcast [2, 1, 5] [1, 3, 1]", op, u(15, 2, 1, 5),
                    divide ? pos(16, 1, 3, 1) : u(16, 1, 3, 1)));
            c.add(op("binary " + fn + " broadcast [3, 7, 33] [3, 7, 1]", op, ties ? grid(22, 3, 7, 33) : u(22, 3, 7, 33),
                    divide ? pos(23, 3, 7, 1) : ties ? grid(23, 3, 7, 1) : u(23, 3, 7, 1)));
            c.add(op("binary " + fn + " scalar [33] []", op, u(17, 33), divide ? pos(18) : u(18)));
            c.add(op("binary " + fn + " strided [7, 33] [7, 33]", op, transposed(u(19, 33, 7)),
                    divide ? pos(20, 7, 33) : u(20, 7, 33)));
        }
        for (long n : ODD) {
            c.add(op("leaky relu 0.2 " + dims(n), new LeakyReluOp(0.2), range(n, -3, 3, n)));
            c.add(op("leaky relu backward 0.2 " + dims(n), new LeakyReluBackwardOp(0.2), u(n + 1, n),
                    range(n, -3, 3, n)));
        }
        c.add(op("leaky relu 0.01 zeros, ties, negatives", new LeakyReluOp(0.01), grid(24, 7, 33)));
        c.add(op("leaky relu backward 0.01 zeros, ties, negatives", new LeakyReluBackwardOp(0.01), u(25, 7, 33),
                grid(24, 7, 33)));
        c.add(op("leaky relu strided [33, 7]", new LeakyReluOp(0.2), transposed(u(26, 7, 33))));
        c.add(op("leaky relu backward strided dy and x [33, 7]", new LeakyReluBackwardOp(0.2),
                transposed(u(27, 7, 33)), transposed(u(26, 7, 33))));
        c.add(op("where broadcast [7, 33] [7, 33] [33]", new WhereOp(), d -> Fixtures.mask(d, 21, 7, 33),
                u(22, 7, 33), u(23, 33)));
        c.add(op("where scalar b [1025]", new WhereOp(), d -> Fixtures.mask(d, 24, 1025), u(25, 1025), u(26)));
    }

    private static void reductions(List<Case> c) {
        ReduceFn sum = ReduceFn.SUM;
        ReduceFn max = ReduceFn.MAX;
        c.add(op("reduce sum all [1025]", new ReduceOp(sum, new int[0], false), u(30, 1025)));
        c.add(op("reduce sum all [33, 1025]", new ReduceOp(sum, new int[0], false), u(31, 33, 1025)));
        c.add(op("reduce sum axis 1 keep [7, 33]", new ReduceOp(sum, new int[] {1}, true), u(32, 7, 33)));
        c.add(op("reduce sum axis 0 [1025, 7]", new ReduceOp(sum, new int[] {0}, false), u(33, 1025, 7)));
        c.add(op("reduce sum axes 0, -1 [3, 33, 7]", new ReduceOp(sum, new int[] {0, -1}, false), u(34, 3, 33, 7)));
        c.add(op("reduce sum axis 1 strided [7, 33]", new ReduceOp(sum, new int[] {1}, false), transposed(u(35, 33, 7))));
        c.add(op("reduce max all keep [7, 33]", new ReduceOp(max, new int[0], true), u(36, 7, 33)));
        // A conv bias gradient's form, each output over more than one chunk of 16,384 (rows cut between chunks).
        c.add(op("reduce sum axes 0, 2 [20, 3, 1000]", new ReduceOp(sum, new int[] {0, 2}, false), u(70, 20, 3, 1000)));
        c.add(op("reduce max axes 0, 2 [20, 3, 1000]", new ReduceOp(max, new int[] {0, 2}, false), u(71, 20, 3, 1000)));
        c.add(op("reduce sum axis 1 [3, 700, 70]", new ReduceOp(sum, new int[] {1}, false), u(72, 3, 700, 70)));
        c.add(op("reduce max axis 1 [3, 700, 70]", new ReduceOp(max, new int[] {1}, false), u(73, 3, 700, 70)));
        c.add(op("reduce sum axes 1, 3 [3, 4, 5, 6]", new ReduceOp(sum, new int[] {1, 3}, true), u(74, 3, 4, 5, 6)));
        c.add(op("reduce max axes 0, 2 [4, 5, 6, 3]", new ReduceOp(max, new int[] {0, 2}, false), u(75, 4, 5, 6, 3)));
        c.add(op("reduce max axis -1 [33, 1025]", new ReduceOp(max, new int[] {-1}, false), u(37, 33, 1025)));
        c.add(op("reduce max axis 0 ties [33, 7]", new ReduceOp(max, new int[] {0}, false), grid(38, 33, 7)));
        c.add(op("reduce max axis 0 strided [7, 33]", new ReduceOp(max, new int[] {0}, false), transposed(u(39, 33, 7))));
    }

    private static void linear(List<Case> c) {
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Input a = ta ? u(40, 1025, 7) : u(40, 7, 1025);
                Input b = tb ? u(41, 33, 1025) : u(41, 1025, 33);
                c.add(op("matmul odd 7x1025 · 1025x33 ta=" + ta + " tb=" + tb, new MatMulOp(ta, tb), a, b));
            }
        }
        // The fused epilogue's other two forms, on the direct kernel's shape (CPU) and on the GEMM's.
        ConvShape c1 = Fixtures.LENET_C1_BATCH;
        c.add(op("conv2d relu " + c1, new Conv2dOp(c1.params(), false, true), u(50, c1.x()), u(51, c1.w())));
        // NaN through the fused ReLU: images with NaN (the direct kernel's shape), and (the GEMM's) a bias with NaN,
        // whole channels NaN
        c.add(op("conv2d relu NaN " + c1, new Conv2dOp(c1.params(), false, true), withNaNs(u(50, c1.x())),
                u(51, c1.w())));
        ConvShape c3 = Fixtures.LENET_C3_BATCH;
        c.add(op("conv2d bias " + c3, new Conv2dOp(c3.params(), true, false), u(50, c3.x()), u(51, c3.w()),
                u(53, c3.w().dim(0))));
        c.add(op("conv2d bias+relu NaN " + c3, new Conv2dOp(c3.params(), true, true), u(50, c3.x()), u(51, c3.w()),
                withNaNs(u(53, c3.w().dim(0)))));
        c.add(op("matmul strided a", new MatMulOp(false, false), transposed(u(42, 33, 7)), u(43, 33, 5)));
        for (DenseShape s : Fixtures.denses()) {
            // forward y = x·wᵀ, then the two products of its backward: dx = dy·w, dw = dyᵀ·x.
            c.add(op("matmul " + s + " forward", new MatMulOp(false, true), u(44, s.n(), s.in()), u(45, s.out(), s.in())));
            c.add(op("matmul " + s + " dx", new MatMulOp(false, false), u(46, s.n(), s.out()), u(45, s.out(), s.in())));
            c.add(op("matmul " + s + " dw", new MatMulOp(true, false), u(46, s.n(), s.out()), u(44, s.n(), s.in())));
        }
        // An empty batch: nothing to compute forward and backward to the input; the filter's gradient sums nothing (0).
        ConvShape empty = new ConvShape("LeNet C3, empty batch", Shape.of(0, 6, 14, 14), c3.w(), c3.params());
        c.add(op("conv2d bias+relu " + empty, new Conv2dOp(empty.params(), true, true), u(50, empty.x()),
                u(51, empty.w()), u(53, empty.w().dim(0))));
        c.add(op("conv2d backward data " + empty, new Conv2dBackwardDataOp(empty.params(), empty.x()),
                u(52, empty.y()), u(51, empty.w())));
        c.add(op("conv2d backward filter " + empty, new Conv2dBackwardFilterOp(empty.params(), empty.w()),
                u(50, empty.x()), u(52, empty.y())));
        for (ConvShape s : Fixtures.convs()) {
            c.add(op("conv2d " + s, new Conv2dOp(s.params()), u(50, s.x()), u(51, s.w())));
            c.add(op("conv2d bias+relu " + s, new Conv2dOp(s.params(), true, true), u(50, s.x()), u(51, s.w()),
                    u(53, s.w().dim(0))));
            c.add(op("conv2d backward data " + s, new Conv2dBackwardDataOp(s.params(), s.x()), u(52, s.y()),
                    u(51, s.w())));
            c.add(op("conv2d backward filter " + s, new Conv2dBackwardFilterOp(s.params(), s.w()), u(50, s.x()),
                    u(52, s.y())));
        }
    }

    private static void pooling(List<Case> c) {
        for (PoolShape s : Fixtures.pools()) {
            for (PoolMode mode : PoolMode.values()) {
                c.add(op("pool " + mode + " " + s, new Pool2dOp(mode, s.params()), u(60, s.x())));
                c.add(op("pool backward " + mode + " " + s, new Pool2dBackwardOp(mode, s.params()), u(60, s.x()),
                        u(61, s.y())));
            }
        }
        // Ties: the max gradient goes to the first maximum of each window, row-major.
        PoolShape s2 = Fixtures.LENET_S2;
        c.add(op("pool MAX ties " + s2, new Pool2dOp(PoolMode.MAX, s2.params()), grid(62, s2.x())));
        c.add(op("pool backward MAX ties " + s2, new Pool2dBackwardOp(PoolMode.MAX, s2.params()), grid(62, s2.x()),
                u(63, s2.y())));
        // NaN wins: a window holding NaN pools to NaN and its gradient goes to the window's first NaN (one, two or all
        // of a window's cells NaN, at every position; LeNet's 2x2 path and the general loop of overlapping windows)
        for (PoolShape s : List.of(Fixtures.LENET_S2, Fixtures.ODD_POOL, Fixtures.ALEXNET_POOL1)) {
            c.add(op("pool MAX NaN " + s, new Pool2dOp(PoolMode.MAX, s.params()), withNaNs(u(64, s.x()))));
            c.add(op("pool backward MAX NaN " + s, new Pool2dBackwardOp(PoolMode.MAX, s.params()),
                    withNaNs(u(64, s.x())), u(65, s.y())));
        }
        c.add(lrn(Fixtures.ALEXNET_LRN));
    }

    /** {@code base} with NaN in about one element of five, spread by a hash of the index (runs of them too). */
    private static Input withNaNs(Input base) {
        return d -> {
            Tensor t = base.on(Device.reference());
            double[] v = t.toDoubleArray();
            for (int i = 0; i < v.length; i++) {
                if (Long.remainderUnsigned((i + 1) * 0x9E3779B97F4A7C15L >>> 32, 5) == 0) {
                    v[i] = Double.NaN;
                }
            }
            return Tensor.of(d, DType.F32, v, t.shape().dims());
        };
    }

    /**
     * AlexNet's LRN as PyTorch composes it: y = x / (k + α·avg over a window of {@code size} channels of x²)^β,
     * the window zero-padded at the channel ends; the average is a (size x 1) pool over [n, 1, c, h·w].
     */
    private static Case lrn(LrnShape s) {
        long n = s.x().dim(0);
        long ch = s.x().dim(1);
        long hw = s.x().dim(2) * s.x().dim(3);
        Pool2dOp window = new Pool2dOp(PoolMode.AVG, new PoolParams(s.size(), 1, 1, 1, 0, 0, true));
        PadOp pad = new PadOp(new long[] {0, 0, s.size() / 2, 0}, new long[] {0, 0, (s.size() - 1) / 2, 0});
        return new Case("composed " + s, window, List.of(range(64, -3, 3, s.x().dims())), (b, x) -> {
            Tensor sq = x[0].square().reshape(n, 1, ch, hw);         // [n, 1, c, h·w]
            Tensor avg = Tensor.apply(window, Tensor.apply(pad, sq));  // [n, 1, c, h·w]
            Tensor div = avg.reshape(s.x().dims()).affine(s.alpha(), s.k()).pow(-s.beta());
            return new Tensor[] {x[0].mul(div)};
        });
    }

    private static void softmaxAndLoss(List<Case> c) {
        for (long[] dims : new long[][] {{7, 33}, {3, 5, 7}, {2, 10}}) {
            c.add(op("softmax axis 1 " + dims(dims), new SoftmaxOp(1), range(70, -4, 4, dims)));
            c.add(op("log-softmax axis 1 " + dims(dims), new LogSoftmaxOp(1), range(71, -4, 4, dims)));
        }
        c.add(op("softmax axis 0 [33, 7]", new SoftmaxOp(0), range(72, -4, 4, 33, 7)));
        c.add(op("softmax axis -1 [1025]", new SoftmaxOp(-1), range(73, -4, 4, 1025)));
        c.add(op("log-softmax axis -1 [1025]", new LogSoftmaxOp(-1), range(74, -4, 4, 1025)));
        c.add(op("log-softmax axis 0 strided [7, 33]", new LogSoftmaxOp(0), transposed(range(75, -4, 4, 33, 7))));
        int[][] shapes = {{7, 10}, {33, 1025}, {2, 10}};
        for (int[] s : shapes) {
            String name = dims(s[0], s[1]);
            c.add(op("cross-entropy " + name, new CrossEntropyOp(), range(76, -3, 3, s[0], s[1]),
                    labels(77, s[0], s[1])));
            c.add(op("cross-entropy backward " + name, new CrossEntropyBackwardOp(), range(76, -3, 3, s[0], s[1]),
                    labels(77, s[0], s[1]), u(78, s[0])));
        }
        c.add(op("k-max pool k=3 axis 1 [2, 7, 3]", new KMaxPoolOp(1, 3), u(80, 2, 7, 3)));
        c.add(op("k-max pool k=5 axis -1 [3, 33]", new KMaxPoolOp(-1, 5), u(81, 3, 33)));
        c.add(op("k-max pool k=7 ties [1025]", new KMaxPoolOp(0, 7), grid(82, 1025)));
        c.add(op("k-max pool backward k=3 axis 1 [2, 7, 3]", new KMaxPoolBackwardOp(1, 3), u(80, 2, 7, 3),
                u(83, 2, 3, 3)));
        c.add(op("k-max pool backward k=5 axis -1 [3, 33]", new KMaxPoolBackwardOp(-1, 5), u(81, 3, 33),
                u(84, 3, 5)));
        c.add(op("k-max pool backward k=7 ties [1025]", new KMaxPoolBackwardOp(0, 7), grid(82, 1025), u(85, 7)));
        // k = length keeps every value; lines along a middle axis with ties (7 levels over 9 values); a strided input;
        // a line of equal values keeps its first k; −0 sorts below +0 (Double.compare, Float.compare); a DCNN's shape.
        c.add(op("k-max pool k = length [2, 7, 3]", new KMaxPoolOp(1, 7), u(86, 2, 7, 3)));
        c.add(op("k-max pool backward k = length [2, 7, 3]", new KMaxPoolBackwardOp(1, 7), u(86, 2, 7, 3),
                u(87, 2, 7, 3)));
        c.add(op("k-max pool k=4 ties axis 1 [4, 9, 5]", new KMaxPoolOp(1, 4), grid(88, 4, 9, 5)));
        c.add(op("k-max pool backward k=4 ties axis 1 [4, 9, 5]", new KMaxPoolBackwardOp(1, 4), grid(88, 4, 9, 5),
                u(89, 4, 4, 5)));
        c.add(op("k-max pool k=5 axis 0 strided [7, 33]", new KMaxPoolOp(0, 5), transposed(u(90, 33, 7))));
        c.add(op("k-max pool backward k=5 axis 0 strided [7, 33]", new KMaxPoolBackwardOp(0, 5),
                transposed(u(90, 33, 7)), transposed(u(91, 33, 5))));
        c.add(op("k-max pool k=2 all equal [3, 6]", new KMaxPoolOp(1, 2), zeros(3, 6)));
        c.add(op("k-max pool backward k=2 all equal [3, 6]", new KMaxPoolBackwardOp(1, 2), zeros(3, 6), u(92, 3, 2)));
        Input signedZeros = d -> Tensor.of(d, new float[] {-0f, 0f, -0f, -1f, 0f, -0f}, 1, 6);
        c.add(op("k-max pool k=3 signed zeros [1, 6]", new KMaxPoolOp(1, 3), signedZeros));
        c.add(op("k-max pool backward k=3 signed zeros [1, 6]", new KMaxPoolBackwardOp(1, 3), signedZeros,
                u(93, 1, 3)));
        c.add(op("k-max pool k=10 axis 2 [8, 16, 40]", new KMaxPoolOp(2, 10), u(94, 8, 16, 40)));
        c.add(op("k-max pool backward k=10 axis 2 [8, 16, 40]", new KMaxPoolBackwardOp(2, 10), u(94, 8, 16, 40),
                u(95, 8, 16, 10)));
    }

    /** Labels in [0, classes) with every {@code every}-th one replaced by {@code ignored}. */
    private static Input labelsIgnoring(long seed, int n, int classes, int every, int ignored) {
        return d -> {
            int[] t = Fixtures.labels(Device.reference(), seed, n, classes).toIntArray();
            for (int i = 0; i < n; i += every) {
                t[i] = ignored;
            }
            return Tensor.ofInts(d, t, n);
        };
    }

    /** int32 ids in [0, rows) of shape {@code dims}. */
    private static Input ids(long seed, int rows, long... dims) {
        return d -> Fixtures.labels(d, seed, Math.toIntExact(Shape.of(dims).size()), rows).reshape(dims);
    }

    /**
     * The sequence models' ops: embedding lookup and its scatter-add (few rows, so ids repeat; with and without a
     * padding row), the fused LSTM and GRU cells forward and backward (pre-activations in [−4, 4], where sigmoids
     * saturate a little), concatenation, and cross-entropy ignoring a padding target. Widths h = 7, 33, 1025 are no
     * multiple of a vector; n = 64, h = 512 is a PTB-sized step (2 layers of 512, batch 64).
     */
    private static void recurrent(List<Case> c) {
        record Table(long rows, long d, long[] ids, int padding) {
        }
        List<Table> tables = List.of(new Table(11, 7, new long[] {3, 5}, 2), new Table(5, 33, new long[] {40}, -1),
                new Table(300, 1025, new long[] {2, 9}, 0), new Table(2000, 256, new long[] {35, 64}, 0));
        for (Table t : tables) {
            String name = dims(t.rows(), t.d()) + " ids " + dims(t.ids());
            long[] y = Arrays.copyOf(t.ids(), t.ids().length + 1);
            y[t.ids().length] = t.d();
            c.add(op("embedding " + name, new EmbeddingOp(t.padding()), u(120, t.rows(), t.d()),
                    ids(121, (int) t.rows(), t.ids())));
            c.add(op("embedding backward " + name + " padding " + t.padding(),
                    new EmbeddingBackwardOp(t.rows(), t.padding()), u(122, y), ids(121, (int) t.rows(), t.ids())));
        }
        c.add(op("embedding strided weight [33, 7], strided ids", new EmbeddingOp(), transposed(u(123, 7, 33)),
                d -> Fixtures.labels(d, 124, 24, 33).reshape(3, 8).slice(1, 1, 6)));
        c.add(op("embedding backward strided dy [6, 7], ids [6]", new EmbeddingBackwardOp(4, 1),
                transposed(u(125, 7, 6)), ids(126, 4, 6)));
        long[][] cells = {{3, 7}, {5, 33}, {2, 1025}, {64, 512}};
        for (long[] s : cells) {
            long n = s[0];
            long h = s[1];
            String name = "n=" + n + " h=" + h;
            c.add(op("lstm cell " + name, new LstmCellOp(), range(130, -4, 4, n, 4 * h), range(131, -2, 2, n, h)));
            c.add(op("lstm cell backward " + name, new LstmCellBackwardOp(), u(132, 2, n, h),
                    range(130, -4, 4, n, 4 * h), range(131, -2, 2, n, h)));
            c.add(op("gru cell " + name, new GruCellOp(), range(133, -3, 3, n, 3 * h), range(134, -3, 3, n, 3 * h),
                    u(135, n, h)));
            c.add(op("gru cell backward " + name, new GruCellBackwardOp(), u(136, n, h), range(133, -3, 3, n, 3 * h),
                    range(134, -3, 3, n, 3 * h), u(135, n, h)));
        }
        c.add(op("lstm cell strided gates n=7 h=3", new LstmCellOp(), transposed(range(137, -4, 4, 12, 7)),
                transposed(u(138, 3, 7))));
        c.add(op("lstm cell backward strided dhc n=7 h=3", new LstmCellBackwardOp(),
                d -> Fixtures.uniform(d, 139, -1, 1, 7, 3, 2).permute(2, 0, 1), range(137, -4, 4, 7, 12), u(138, 7, 3)));
        c.add(op("gru cell strided n=7 h=3", new GruCellOp(), transposed(range(140, -3, 3, 9, 7)),
                range(141, -3, 3, 7, 9), transposed(u(142, 3, 7))));
        c.add(op("gru cell backward strided dy n=7 h=3", new GruCellBackwardOp(), transposed(u(143, 3, 7)),
                range(140, -3, 3, 7, 9), transposed(range(141, -3, 3, 9, 7)), u(142, 7, 3)));
        // Whole recurrent layers: h = 7 (all tail), 40 (vectors and a tail) and 64; forward and reverse, from a given
        // state and from the zero state; the backward ops on arbitrary saved values (they only read them).
        for (long[] s : new long[][] {{5, 3, 7}, {6, 16, 40}, {4, 8, 64}}) {
            long t = s[0];
            long n = s[1];
            long h = s[2];
            for (boolean reverse : new boolean[] {false, true}) {
                for (boolean zero : new boolean[] {false, true}) {
                    String name = "T=" + t + " n=" + n + " h=" + h + (reverse ? " reverse" : "") + (zero ? " zero state"
                            : "");
                    Input h0 = zero ? d -> Tensor.zeros(d, DType.F32, n, h) : u(160, n, h);
                    c.add(op("lstm layer " + name, new LstmLayerOp(reverse, zero), range(161, -2, 2, t * n, 4 * h),
                            u(162, 4 * h, h), u(163, 4 * h), h0, zero ? h0 : u(164, n, h)));
                    c.add(op("lstm layer backward " + name, new LstmLayerBackwardOp(reverse, zero),
                            u(165, 6 * t * n * h), range(166, 0, 1, 6 * t * n * h), u(162, 4 * h, h),
                            zero ? h0 : u(164, n, h)));
                    c.add(op("gru layer " + name, new GruLayerOp(reverse, zero), range(167, -2, 2, t * n, 3 * h),
                            u(168, 3 * h, h), u(169, 3 * h), u(170, 3 * h), h0));
                    c.add(op("gru layer backward " + name, new GruLayerBackwardOp(reverse, zero),
                            u(171, 7 * t * n * h), range(172, 0, 1, 7 * t * n * h), u(168, 3 * h, h), h0));
                }
            }
        }
        c.add(op("lstm layer strided xg T=3 n=2 h=5", new LstmLayerOp(false, false),
                transposed(range(173, -2, 2, 20, 6)), transposed(u(174, 5, 20)), u(175, 20), u(176, 2, 5),
                u(177, 2, 5)));
        Input[] steps = new Input[35];
        for (int t = 0; t < steps.length; t++) {
            steps[t] = u(150 + t, 1, 64, 512);
        }
        c.add(op("cat axis 0 of 35 steps [1, 64, 512]", new CatOp(0, 35), steps));
        c.add(op("cat axis 1 [7, 3] [7, 33] [7, 1]", new CatOp(1, 3), u(144, 7, 3), u(145, 7, 33), u(146, 7, 1)));
        c.add(op("cat axis -1 strided [33, 7] [33, 1025]", new CatOp(-1, 2), transposed(u(147, 7, 33)),
                u(148, 33, 1025)));
        c.add(op("cat axis 0 int32 [33] [7]", new CatOp(0, 2), labels(149, 33, 10), labels(190, 7, 10)));
        c.add(op("cat axis 1 of [2, 5, 7] [2, 1, 7] f64", new CatOp(1, 2), d -> Fixtures.uniform(d, 191, -1, 1, 2, 5, 7)
                .to(DType.F64), d -> Fixtures.uniform(d, 192, -1, 1, 2, 1, 7).to(DType.F64)));
        for (int[] s : new int[][] {{7, 10}, {33, 1025}}) {
            String name = dims(s[0], s[1]);
            Input targets = labelsIgnoring(193, s[0], s[1], 3, -100);
            c.add(op("cross-entropy ignoring -100 " + name, new CrossEntropyOp(-100), range(194, -3, 3, s[0], s[1]),
                    targets));
            c.add(op("cross-entropy backward ignoring -100 " + name, new CrossEntropyBackwardOp(-100),
                    range(194, -3, 3, s[0], s[1]), targets, u(195, s[0])));
        }
        c.add(op("cross-entropy ignoring class 0 [33, 4]", new CrossEntropyOp(0), range(196, -3, 3, 33, 4),
                labels(197, 33, 4)));
        c.add(op("cross-entropy backward ignoring class 0 [33, 4]", new CrossEntropyBackwardOp(0),
                range(196, -3, 3, 33, 4), labels(197, 33, 4), u(198, 33)));
    }

    /**
     * Training-mode batch norm, forward and backward: [n, c] (runs of one value), odd sizes, the DCGAN
     * discriminator's [64, 128, 7, 7], values far from zero (mean 5: the variance about the mean, not E[x²] − E[x]²;
     * mean 1000: x − mean in more than float32), a strided x and a strided dy.
     */
    private static void batchNorm(List<Case> c) {
        long[][] shapes = {{4, 3}, {7, 33}, {3, 5, 7, 7}, {8, 33, 5}, {64, 128, 7, 7}};
        for (long[] s : shapes) {
            long ch = s[1];
            String name = dims(s);
            c.add(op("batch norm " + name, new BatchNormOp(1e-5), range(200, -2, 2, s), u(201, ch), u(202, ch)));
            c.add(op("batch norm backward " + name, new BatchNormBackwardOp(), u(203, s), range(200, -2, 2, s),
                    u(204, ch), pos(205, ch), u(201, ch)));
        }
        c.add(op("batch norm mean 5 [6, 4, 3, 3]", new BatchNormOp(1e-3), range(206, 4, 6, 6, 4, 3, 3), u(207, 4),
                u(208, 4)));
        c.add(op("batch norm backward mean 5 [6, 4, 3, 3]", new BatchNormBackwardOp(), u(209, 6, 4, 3, 3),
                range(206, 4, 6, 6, 4, 3, 3), range(210, 4.5, 5.5, 4), pos(211, 4), u(207, 4)));
        // a mean far larger than the spread (values in [1000, 1001], std ≈ 0.29): the mean rounded to float32 is off by
        // up to 3e-5, which times 1/σ ≈ 3.5 would be 1e-4 in y, ten times the tolerance, if x − mean were taken in float32
        c.add(op("batch norm mean 1000 [16, 8, 100]", new BatchNormOp(1e-5), range(219, 1000, 1001, 16, 8, 100),
                u(220, 8), u(221, 8)));
        c.add(op("batch norm strided x [33, 7]", new BatchNormOp(1e-5), transposed(u(212, 7, 33)), u(213, 7),
                u(214, 7)));
        c.add(op("batch norm backward strided dy [33, 7]", new BatchNormBackwardOp(), transposed(u(215, 7, 33)),
                u(216, 33, 7), u(217, 7), pos(218, 7), u(213, 7)));
    }

    private static void dataMovement(List<Case> c) {
        c.add(op("random uniform f32 [1025]", new RandomUniformOp(Shape.of(1025), -1, 1, 90, DType.F32)));
        c.add(op("random uniform f64 [7, 33]", new RandomUniformOp(Shape.of(7, 33), 0, 1, 91, DType.F64)));
        c.add(op("random normal f32 [1025]", new RandomNormalOp(Shape.of(1025), 0, 1, 94, DType.F32, false)));
        c.add(op("random normal f64 [7, 33] mean 2 std 0.5", new RandomNormalOp(Shape.of(7, 33), 2, 0.5, 95, DType.F64,
                false)));
        c.add(op("random normal f32 [1025] streamed at 5", new RandomNormalOp(Shape.of(1025), 0, 1, 96, DType.F32,
                true), d -> Tensor.scalar(d, DType.F32, 5)));
        c.add(op("random uniform f32 [1025] streamed at 3", new RandomUniformOp(Shape.of(1025), -1, 1, 92, DType.F32,
                true), d -> Tensor.scalar(d, DType.F32, 3)));
        c.add(op("random uniform f64 [7, 33] streamed at 2^20", new RandomUniformOp(Shape.of(7, 33), 0, 1, 93,
                DType.F64, true), d -> Tensor.scalar(d, DType.F32, 1 << 20)));
        c.add(op("copy [1025]", new CopyOp(), u(92, 1025)));
        c.add(op("copy strided [33, 7]", new CopyOp(), transposed(u(93, 7, 33))));
        c.add(op("copy slice [7, 27]", new CopyOp(), d -> Fixtures.uniform(d, 94, -1, 1, 7, 33).slice(1, 3, 30)));
        c.add(op("copy expanded [7, 33]", new CopyOp(), d -> Fixtures.uniform(d, 95, -1, 1, 7, 1)
                .expand(Shape.of(7, 33))));
        c.add(op("cast f32→f64 [1025]", new CastOp(DType.F64), u(96, 1025)));
        c.add(op("cast f32→i32 [1025]", new CastOp(DType.I32), range(97, -3, 3, 1025)));
        c.add(op("cast i32→f32 [33]", new CastOp(DType.F32), labels(98, 33, 10)));
        c.add(op("pad [7, 33]", new PadOp(new long[] {1, 0}, new long[] {0, 2}), u(99, 7, 33)));
        c.add(op("pad LeNet input 2 [2, 1, 28, 28]", new PadOp(new long[] {0, 0, 2, 2}, new long[] {0, 0, 2, 2}),
                u(100, 2, 1, 28, 28)));
        c.add(op("pad strided [33, 7]", new PadOp(new long[] {0, 3}, new long[] {1, 0}), transposed(u(101, 7, 33))));
    }

    private static void updates(List<Case> c) {
        long n = 1025;
        long large = 150_001; // past the chunks a backend may split an update into (three of 2^16, the last ragged)
        SgdUpdateOp[] sgds = {
            new SgdUpdateOp(0.1, 0, 0, false, 0),
            new SgdUpdateOp(0.01, 0.9, 0, false, 5e-4),
            new SgdUpdateOp(0.01, 0.9, 0.1, true, 1e-4)};
        for (SgdUpdateOp op : sgds) {
            c.add(new Case("sgd 3 steps " + op, op, List.of(u(110, n), u(111, n), u(112, n)), (b, x) -> {
                for (int step = 0; step < 3; step++) {
                    b.execute(op, x); // updates param x[0] and velocity x[2]
                }
                return x;
            }));
        }
        record Adam(double weightDecay, boolean decoupled) {
        }
        for (Adam a : List.of(new Adam(0, false), new Adam(1e-2, false), new Adam(1e-2, true))) {
            AdamUpdateOp adam = new AdamUpdateOp(1e-3, 0.9, 0.999, 1e-8, a.weightDecay(), a.decoupled());
            c.add(new Case("adam steps 1-3 " + a, adam, List.of(u(113, n), u(114, n), zeros(n), zeros(n), step(1)),
                    (b, x) -> {
                        for (int step = 1; step <= 3; step++) {
                            x[4].copyFrom(new double[] {step}); // the count the kernel reads when it runs
                            b.execute(adam, x);
                        }
                        return x; // param, grad (unchanged), m, v, step
                    }));
        }
        SgdUpdateOp momentum = sgds[1];
        c.add(new Case("sgd 2 steps [" + large + "] " + momentum, momentum,
                List.of(u(115, large), u(116, large), u(117, large)), (b, x) -> {
                    b.execute(momentum, x);
                    b.execute(momentum, x);
                    return x;
                }));
        // guarded: a step with flag 0, one with flag 1 and an inf gradient (nothing may change), then another step
        SgdUpdateOp guardedSgd = new SgdUpdateOp(0.01, 0.9, 0, false, 5e-4, true);
        c.add(new Case("sgd guarded, a step skipped " + guardedSgd, guardedSgd,
                List.of(u(122, n), u(123, n), u(124, n), flag(0)), (b, x) -> {
                    b.execute(guardedSgd, x);
                    skippedWithAnInfGradient(b, guardedSgd, x, 1, 3);
                    b.execute(guardedSgd, x);
                    return x;
                }));
        AdamUpdateOp guardedAdam = new AdamUpdateOp(1e-3, 0.9, 0.999, 1e-8, 1e-2, false, true);
        c.add(new Case("adam guarded, a step skipped " + guardedAdam, guardedAdam,
                List.of(u(125, n), u(126, n), zeros(n), zeros(n), step(1), flag(0)), (b, x) -> {
                    b.execute(guardedAdam, x);
                    skippedWithAnInfGradient(b, guardedAdam, x, 1, 5);
                    x[4].copyFrom(new double[] {2}); // the optimizer counts only the steps taken
                    b.execute(guardedAdam, x);
                    return x;
                }));
        AdamUpdateOp plain = new AdamUpdateOp(1e-3, 0.9, 0.999, 1e-8, 0, false);
        c.add(new Case("adam, its step count a view at an offset " + plain, plain,
                List.of(u(127, n), u(128, n), pos(129, n), pos(130, n), stepView(3)), (b, x) -> {
                    b.execute(plain, x);
                    return x;
                }));
        AdamUpdateOp adamW = new AdamUpdateOp(1e-3, 0.9, 0.999, 1e-8, 1e-2, true);
        c.add(new Case("adam step 4 [" + large + "] " + adamW, adamW,
                List.of(u(118, large), u(119, large), pos(120, large), pos(121, large), step(4)), (b, x) -> {
                    b.execute(adamW, x);
                    return x;
                }));
    }
}
