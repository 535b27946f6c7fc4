package striate.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import striate.op.AffineOp;
import striate.op.BatchNormOp;
import striate.op.BinaryFn;
import striate.op.BinaryOp;
import striate.op.CastOp;
import striate.op.CatOp;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.ConvParams;
import striate.op.CopyOp;
import striate.op.CrossEntropyOp;
import striate.op.EmbeddingOp;
import striate.op.ExpandOp;
import striate.op.GruCellOp;
import striate.op.GruLayerOp;
import striate.op.KMaxPoolOp;
import striate.op.LeakyReluBackwardOp;
import striate.op.LeakyReluOp;
import striate.op.LogSoftmaxOp;
import striate.op.LstmCellOp;
import striate.op.LstmLayerOp;
import striate.op.MatMulOp;
import striate.op.Op;
import striate.op.PadOp;
import striate.op.PermuteOp;
import striate.op.Pool2dOp;
import striate.op.PoolMode;
import striate.op.PoolParams;
import striate.op.PowerOp;
import striate.op.ReduceFn;
import striate.op.ReduceOp;
import striate.op.ReshapeOp;
import striate.op.SliceOp;
import striate.op.SoftmaxOp;
import striate.op.ToDeviceOp;
import striate.op.UnaryFn;
import striate.op.UnaryOp;
import striate.op.WhereOp;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.Tensor;
import striate.testing.OpHierarchy;

/**
 * Every differentiable op's backward rule against central differences in float64 on the reference backend,
 * on tiny shapes and odd ones (7, 33: not multiples of any vector width). A final test fails when an op
 * with a derivative has no case here.
 */
class GradCheckTest {
    private static final Device REF = Device.reference();

    /** One case: a name, the op class it covers, the function and its inputs. */
    record Case(String name, Class<? extends Op> op, Function<Tensor[], Tensor> f, Tensor... inputs) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Tensor u(long seed, long... dims) {
        return GradCheck.uniform(REF, seed, -1, 1, dims);
    }

    /** Values in [0.5, 2): away from the kinks and poles of abs, sqrt, log, div. */
    private static Tensor pos(long seed, long... dims) {
        return GradCheck.uniform(REF, seed, 0.5, 2, dims);
    }

    private static Case op(String name, Op op, Tensor... inputs) {
        return new Case(name, op.getClass(), x -> Tensor.apply(op, x), inputs);
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        for (UnaryFn fn : UnaryFn.values()) {
            if (fn == UnaryFn.SIGN || fn == UnaryFn.STEP) {
                continue; // zero gradient almost everywhere; covered by the zero-gradient test below
            }
            boolean positive = fn == UnaryFn.LOG || fn == UnaryFn.SQRT || fn == UnaryFn.LOG1P;
            c.add(op("unary " + fn + " [7]", new UnaryOp(fn), positive ? pos(1, 7) : u(1, 7)));
            c.add(op("unary " + fn + " [3,33]", new UnaryOp(fn), positive ? pos(2, 3, 33) : u(2, 3, 33)));
        }
        c.add(op("affine", new AffineOp(-1.5, 0.25), u(3, 5, 7)));
        c.add(op("power 3", new PowerOp(3), u(4, 7)));
        c.add(op("power -0.5", new PowerOp(-0.5), pos(5, 2, 7)));
        for (BinaryFn fn : BinaryFn.values()) {
            if (fn.isComparison()) {
                continue;
            }
            Tensor b = fn == BinaryFn.DIV ? pos(7, 7) : u(7, 7);
            c.add(op("binary " + fn + " broadcast [3,7]x[7]", new BinaryOp(fn), u(6, 3, 7), b));
            c.add(op("binary " + fn + " [2,1,5]x[1,3,1]", new BinaryOp(fn), u(8, 2, 1, 5),
                    fn == BinaryFn.DIV ? pos(9, 1, 3, 1) : u(9, 1, 3, 1)));
        }
        c.add(new Case("where broadcast", WhereOp.class,
                x -> Tensor.where(x[0].step(), x[1], x[2]), u(10, 3, 7), u(11, 3, 7), u(12, 7)));
        c.add(op("reduce sum all", new ReduceOp(ReduceFn.SUM, new int[0], false), u(13, 3, 7)));
        c.add(op("reduce sum axis 1 keep", new ReduceOp(ReduceFn.SUM, new int[] {1}, true), u(14, 2, 33, 3)));
        c.add(op("reduce sum axes 0,2", new ReduceOp(ReduceFn.SUM, new int[] {0, -1}, false), u(15, 2, 5, 3)));
        c.add(op("reduce max axis -1", new ReduceOp(ReduceFn.MAX, new int[] {-1}, false), u(16, 3, 33)));
        c.add(op("reduce max all", new ReduceOp(ReduceFn.MAX, new int[0], true), u(17, 4, 7)));
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                Tensor a = ta ? u(18, 7, 3) : u(18, 3, 7);
                Tensor b = tb ? u(19, 5, 7) : u(19, 7, 5);
                c.add(op("matmul ta=" + ta + " tb=" + tb, new MatMulOp(ta, tb), a, b));
            }
        }
        c.add(op("conv2d lenet-like 5x5 pad 2", new Conv2dOp(ConvParams.of(1, 2)), u(20, 2, 1, 7, 7), u(21, 3, 1, 5, 5)));
        c.add(op("conv2d stride 2 pad 1 odd", new Conv2dOp(ConvParams.of(2, 1)), u(22, 1, 3, 9, 7), u(23, 4, 3, 3, 3)));
        c.add(op("conv2d groups 2 dilation 2", new Conv2dOp(new ConvParams(1, 2, 1, 0, 2, 1, 2)),
                u(24, 2, 4, 8, 7), u(25, 6, 2, 3, 2)));
        c.add(op("conv2d alexnet-like 11x11 stride 4", new Conv2dOp(ConvParams.of(4, 2)), u(26, 1, 3, 19, 19),
                u(27, 2, 3, 11, 11)));
        c.add(op("conv2d bias+relu", new Conv2dOp(ConvParams.of(1, 1), true, true), u(90, 2, 3, 6, 5),
                u(91, 4, 3, 3, 3), u(92, 4)));
        c.add(op("conv2d relu, no bias", new Conv2dOp(ConvParams.of(2, 0), false, true), u(93, 1, 2, 7, 7),
                u(94, 3, 2, 3, 3)));
        c.add(op("conv2d bias", new Conv2dOp(ConvParams.of(1, 0), true, false), u(95, 2, 2, 5, 5),
                u(96, 3, 2, 3, 3), u(97, 3)));
        // The backward-data op is also the transposed convolution's forward: (x [n, k, oh, ow], w) → [n, c, h, w].
        c.add(op("conv2d backward data (transposed conv) k4 s2 p1", new Conv2dBackwardDataOp(ConvParams.of(2, 1),
                Shape.of(2, 3, 8, 8)), u(98, 2, 4, 4, 4), u(99, 4, 3, 4, 4)));
        c.add(op("conv2d backward data groups 2 dilation 2, an extra row", new Conv2dBackwardDataOp(
                new ConvParams(2, 1, 1, 0, 1, 2, 2), Shape.of(1, 4, 8, 7)), u(100, 1, 6, 4, 5), u(101, 6, 2, 3, 2)));
        // The backward-filter op (x, dy [n, k, oh, ow]) → dw is bilinear; its rule is what a gradient of a gradient
        // (WGAN-GP's penalty, through a convolution's weight gradient) differentiates.
        c.add(op("conv2d backward filter k4 s2 p1", new Conv2dBackwardFilterOp(ConvParams.of(2, 1),
                Shape.of(4, 3, 4, 4)), u(102, 2, 3, 8, 8), u(103, 2, 4, 4, 4)));
        c.add(op("conv2d backward filter groups 2 dilation 2, an extra row", new Conv2dBackwardFilterOp(
                new ConvParams(2, 1, 1, 0, 1, 2, 2), Shape.of(6, 2, 3, 2)), u(104, 1, 4, 8, 7), u(105, 1, 6, 4, 5)));
        c.add(op("maxpool 2x2/2", new Pool2dOp(PoolMode.MAX, PoolParams.of(2, 2)), u(28, 2, 3, 6, 6)));
        c.add(op("maxpool 3x3/2 overlapping odd", new Pool2dOp(PoolMode.MAX, PoolParams.of(3, 2)), u(29, 1, 2, 7, 9)));
        c.add(op("maxpool 3x3/2 pad 1", new Pool2dOp(PoolMode.MAX, new PoolParams(3, 3, 2, 2, 1, 1, true)),
                u(30, 1, 2, 7, 7)));
        c.add(op("avgpool 2x2/2", new Pool2dOp(PoolMode.AVG, PoolParams.of(2, 2)), u(31, 2, 3, 6, 7)));
        c.add(op("avgpool 3x3/1 pad 1 exclude pad", new Pool2dOp(PoolMode.AVG, new PoolParams(3, 3, 1, 1, 1, 1, false)),
                u(32, 1, 2, 5, 5)));
        c.add(op("softmax axis 1", new SoftmaxOp(1), u(33, 3, 7)));
        c.add(op("softmax axis 0 of 3-d", new SoftmaxOp(0), u(34, 5, 2, 3)));
        c.add(op("log-softmax axis -1", new LogSoftmaxOp(-1), u(35, 4, 33)));
        c.add(op("cross-entropy", new CrossEntropyOp(), u(36, 5, 7), Tensor.ofInts(REF, new int[] {0, 6, 3, 3, 1})));
        c.add(op("cross-entropy ignoring -100", new CrossEntropyOp(-100), u(60, 5, 7),
                Tensor.ofInts(REF, new int[] {0, -100, 3, -100, 6})));
        c.add(op("cross-entropy ignoring class 3", new CrossEntropyOp(3), u(61, 5, 7),
                Tensor.ofInts(REF, new int[] {3, 6, 3, 0, 1})));
        c.add(op("embedding repeated ids [2, 4]", new EmbeddingOp(), u(62, 6, 5),
                Tensor.ofInts(REF, new int[] {1, 3, 1, 0, 5, 3, 3, 2}, 2, 4)));
        Tensor ids = Tensor.ofInts(REF, new int[] {2, 0, 4, 2, 0, 1, 4}, 7);
        Tensor notPadding = ids.to(DType.F64).eq(Tensor.scalar(REF, DType.F64, 0)).affine(-1, 1).reshape(7, 1);
        // The padding row's gradient is zero by definition, so its outputs are masked out as a layer's are.
        c.add(new Case("embedding padding id 0 masked, repeated ids", EmbeddingOp.class,
                x -> Tensor.apply(new EmbeddingOp(0), x[0], x[1]).mul(notPadding), u(63, 5, 33), ids));
        // Gates in [-3, 3]: sigmoids from 0.05 to 0.95, so each gate's gradient is neither saturated away nor linear.
        c.add(op("lstm cell n=3 h=5", new LstmCellOp(), GradCheck.uniform(REF, 64, -3, 3, 3, 20), u(65, 3, 5)));
        c.add(op("lstm cell n=2 h=7", new LstmCellOp(), GradCheck.uniform(REF, 66, -3, 3, 2, 28), u(67, 2, 7)));
        c.add(op("gru cell n=3 h=5", new GruCellOp(), GradCheck.uniform(REF, 68, -2, 2, 3, 15),
                GradCheck.uniform(REF, 69, -2, 2, 3, 15), u(70, 3, 5)));
        c.add(op("gru cell n=2 h=7", new GruCellOp(), GradCheck.uniform(REF, 71, -2, 2, 2, 21),
                GradCheck.uniform(REF, 72, -2, 2, 2, 21), u(73, 2, 7)));
        // Whole layers over 5 steps (backpropagation through time), n = 2, h = 3: H and C (the saved activations carry
        // no gradient), forward and reverse, from a given state and, with its inputs held at zero, from the zero state.
        for (boolean reverse : new boolean[] {false, true}) {
            String dir = reverse ? " reverse" : "";
            c.add(new Case("lstm layer T=5 n=2 h=3" + dir, LstmLayerOp.class,
                    x -> Tensor.apply(new LstmLayerOp(reverse, false), x).slice(0, 0, 60),
                    GradCheck.uniform(REF, 109, -2, 2, 10, 12), GradCheck.uniform(REF, 110, -1, 1, 12, 3),
                    u(111, 12), u(112, 2, 3), u(113, 2, 3)));
            c.add(new Case("gru layer T=5 n=2 h=3" + dir, GruLayerOp.class,
                    x -> Tensor.apply(new GruLayerOp(reverse, false), x).slice(0, 0, 30),
                    GradCheck.uniform(REF, 114, -2, 2, 10, 9), GradCheck.uniform(REF, 115, -1, 1, 9, 3),
                    u(116, 9), u(117, 9), u(118, 2, 3)));
        }
        Tensor zeros = Tensor.zeros(REF, DType.F64, 2, 3);
        c.add(new Case("lstm layer T=5 n=2 h=3 from the zero state", LstmLayerOp.class,
                x -> Tensor.apply(new LstmLayerOp(false, true), x[0], x[1], x[2], zeros, zeros).slice(0, 0, 60),
                GradCheck.uniform(REF, 119, -2, 2, 10, 12), GradCheck.uniform(REF, 120, -1, 1, 12, 3), u(121, 12)));
        c.add(new Case("gru layer T=5 n=2 h=3 reverse from the zero state", GruLayerOp.class,
                x -> Tensor.apply(new GruLayerOp(true, true), x[0], x[1], x[2], x[3], zeros).slice(0, 0, 30),
                GradCheck.uniform(REF, 122, -2, 2, 10, 9), GradCheck.uniform(REF, 123, -1, 1, 9, 3), u(124, 9),
                u(125, 9)));
        // The fused batch norm's y part (its saved mean and inverse std carry no gradient; callers detach them).
        c.add(new Case("batch norm [3, 2, 2, 2], y", BatchNormOp.class,
                x -> Tensor.apply(new BatchNormOp(1e-5), x).slice(0, 0, 24), u(100, 3, 2, 2, 2), pos(101, 2),
                u(102, 2)));
        c.add(new Case("batch norm [5, 3], y", BatchNormOp.class,
                x -> Tensor.apply(new BatchNormOp(1e-3), x).slice(0, 0, 15), u(103, 5, 3), u(104, 3), u(105, 3)));
        c.add(op("leaky relu 0.2", new LeakyReluOp(0.2), u(106, 3, 7)));
        c.add(op("leaky relu backward 0.2", new LeakyReluBackwardOp(0.2), u(107, 3, 7), u(108, 3, 7)));
        c.add(op("cat axis 0 of three", new CatOp(0, 3), u(74, 1, 3, 5), u(75, 2, 3, 5), u(76, 1, 3, 5)));
        c.add(op("cat axis -1 of two", new CatOp(-1, 2), u(77, 3, 2), u(78, 3, 7)));
        c.add(new Case("cat of strided views", CatOp.class, x -> Tensor.cat(1, x[0].transpose(0, 1), x[1]),
                u(79, 5, 3), u(80, 3, 4)));
        c.add(op("k-max pool k=3 axis 1", new KMaxPoolOp(1, 3), u(37, 2, 7, 3)));
        c.add(op("k-max pool k=2 axis -1", new KMaxPoolOp(-1, 2), u(38, 3, 5)));
        c.add(op("copy of a transposed view", new CopyOp(), u(39, 3, 7)));
        c.add(new Case("copy of a strided view", CopyOp.class, x -> x[0].transpose(0, 1).copy(), u(39, 3, 7)));
        c.add(op("cast to f64", new CastOp(DType.F64), u(40, 7)));
        c.add(op("pad", new PadOp(new long[] {1, 0}, new long[] {0, 2}), u(41, 3, 7)));
        c.add(op("reshape", new ReshapeOp(Shape.of(7, 3)), u(42, 3, 7)));
        c.add(op("permute", new PermuteOp(new int[] {2, 0, 1}), u(43, 2, 3, 5)));
        c.add(op("expand", new ExpandOp(Shape.of(4, 3, 7)), u(44, 3, 1)));
        c.add(op("slice", new SliceOp(1, 2, 5), u(45, 3, 7)));
        return c.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferences(Case c) {
        GradCheck.Result r = GradCheck.standard().check(c.f(), c.inputs());
        assertTrue(r.passed(), c.name() + ": " + r);
    }

    @Test
    void signAndStepHaveZeroGradient() {
        Tensor x = u(50, 7).requiresGrad(true);
        x.sign().add(x.step()).add(x).sum().backward();
        for (double g : x.grad().toDoubleArray()) {
            assertEquals(1.0, g, 0.0, "only the identity term contributes");
        }
    }

    @Test
    void gradCheckCatchesAWrongRule() {
        // A function whose forward and recorded graph disagree: numerically 2x, analytically the gradient of x.
        Function<Tensor[], Tensor> wrong = x -> x[0].detach().mul(2).add(x[0]).add(x[0].detach().neg());
        GradCheck.Result r = GradCheck.standard().check(wrong, u(51, 5));
        assertTrue(!r.mismatches().isEmpty(), "a wrong gradient must be reported: " + r);
    }

    @Test
    void everyDifferentiableOpHasAGradCheckCase() {
        Set<Class<? extends Op>> covered = new HashSet<>();
        cases().forEach(c -> covered.add(c.op()));
        List<String> missing = new ArrayList<>();
        for (Class<? extends Op> op : OpHierarchy.all()) {
            // the copy onto another device needs two: backend-cpu's ToDeviceGradientTest checks it
            if (Derivatives.isDifferentiable(op) && !covered.contains(op) && op != ToDeviceOp.class) {
                missing.add(op.getSimpleName());
            }
        }
        assertTrue(missing.isEmpty(), "differentiable ops without a gradient check: " + missing);
    }
}
