package striate.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import striate.autograd.GradCheck;
import striate.op.ConvParams;
import striate.op.PoolParams;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * The functions behind the layers, differentiated by autograd through the ops they are composed of (and training-mode
 * batch norm through its fused op's backward), against central differences in float64 on the reference backend.
 */
class FunctionalGradTest {
    private static final Device REF = Device.reference();

    record Case(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Tensor u(long seed, long... dims) {
        return GradCheck.uniform(REF, seed, -1, 1, dims);
    }

    private static Tensor pos(long seed, long... dims) {
        return GradCheck.uniform(REF, seed, 0.5, 2, dims);
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("conv2d with bias, stride 1, pad 1",
                        t -> Functional.conv2d(t[0], t[1], t[2], ConvParams.of(1, 1)),
                        u(1, 2, 3, 5, 5), u(2, 4, 3, 3, 3), u(3, 4)),
                new Case("conv2d with bias, stride 2, 7x7 input, 2x3 kernel",
                        t -> Functional.conv2d(t[0], t[1], t[2], new ConvParams(2, 2, 0, 1, 1, 1, 1)),
                        u(4, 1, 2, 7, 7), u(5, 3, 2, 2, 3), u(6, 3)),
                new Case("batchNorm 1d training, affine",
                        t -> Functional.batchNorm(t[0], null, null, t[1], t[2], true, 0.1, 1e-5).y(),
                        u(7, 5, 3), pos(8, 3), u(9, 3)),
                new Case("batchNorm 2d training, affine, with running stats",
                        t -> Functional.batchNorm(t[0], Tensor.zeros(REF, striate.tensor.DType.F64, 2),
                                Tensor.ones(REF, striate.tensor.DType.F64, 2), t[1], t[2], true, 0.1, 1e-5).y(),
                        u(10, 3, 2, 3, 3), pos(11, 2), u(12, 2)),
                new Case("batchNorm 1d training on [n, c, l], without affine",
                        t -> Functional.batchNorm(t[0], null, null, null, null, true, 0.1, 1e-5).y().mul(t[1]),
                        u(25, 4, 3, 5), u(26, 4, 3, 5)),
                new Case("batchNorm 2d training, values far from zero",
                        t -> Functional.batchNorm(t[0], null, null, t[1], t[2], true, 0.1, 1e-3).y().mul(t[3]),
                        GradCheck.uniform(REF, 27, 4, 6, 3, 2, 2, 2), pos(28, 2), u(29, 2), u(30, 3, 2, 2, 2)),
                new Case("batchNormComposed 2d training, affine",
                        t -> Functional.batchNormComposed(t[0], null, null, t[1], t[2], true, 0.1, 1e-5).y(),
                        u(31, 3, 2, 3, 3), pos(32, 2), u(33, 2)),
                new Case("batchNorm 2d evaluation",
                        t -> Functional.batchNorm(t[0], t[1], t[2], t[3], t[4], false, 0.1, 1e-5).y(),
                        u(13, 2, 3, 2, 2), u(14, 3), pos(15, 3), pos(16, 3), u(17, 3)),
                new Case("localResponseNorm size 3",
                        t -> Functional.localResponseNorm(t[0], 3, 0.5, 0.75, 2),
                        u(18, 2, 5, 3, 3)),
                new Case("localResponseNorm size 4 (uneven window), rank 3",
                        t -> Functional.localResponseNorm(t[0], 4, 1.0, 0.75, 1),
                        u(19, 2, 6, 3)),
                new Case("dropout p=0.4 seed 42",
                        t -> Functional.dropout(t[0], 0.4, true, 42), u(20, 3, 4, 5)),
                new Case("maxPool2d 3/2 with padding 1",
                        t -> Functional.maxPool2d(t[0], new PoolParams(3, 3, 2, 2, 1, 1, true)), u(21, 2, 2, 7, 7)),
                new Case("avgPool2d 2/2",
                        t -> Functional.avgPool2d(t[0], PoolParams.of(2, 2)), u(22, 2, 3, 4, 6)),
                new Case("avgPool2d 3/2 padding 1, countIncludePad false",
                        t -> Functional.avgPool2d(t[0], new PoolParams(3, 3, 2, 2, 1, 1, false)), u(23, 1, 2, 5, 5)),
                new Case("kMaxPool axis 2, k 3",
                        t -> Functional.kMaxPool(t[0], 2, 3), u(24, 2, 3, 7)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void backwardMatchesFiniteDifferences(Case c) {
        GradCheck.Result r = GradCheck.standard().check(c.f(), c.inputs());
        assertTrue(r.passed(), c.name() + ": " + r);
    }
}
