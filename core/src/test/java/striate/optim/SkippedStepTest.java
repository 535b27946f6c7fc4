package striate.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import striate.backend.Backend;
import striate.backend.Backends;
import striate.nn.Parameter;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.PlainSgd;

/**
 * {@link Optimizer#step(Tensor)}: a step whose flag is 1 changes no weight and no state (its gradient may be inf or
 * NaN) and is not counted, so later steps equal those of an optimizer that never saw it, bit for bit (Adam's bias
 * correction included); a flag of 0 is a plain step; a checkpoint counts the steps taken; an optimizer that cannot
 * skip on the device reads the flag.
 */
class SkippedStepTest {
    private static final Device REF = Device.reference();
    private static final double[][] GRADS = {{0.2, -0.3, 0.7}, {0.1, 0.4, -0.2}, {-0.5, 0.05, 0.3}};

    private static Parameter param() {
        return new Parameter(Tensor.of(REF, DType.F32, new double[] {1.0, -0.5, 0.25}));
    }

    private static void setGrad(Parameter p, double... g) {
        p.value().setGrad(Tensor.of(REF, DType.F32, g));
    }

    private static Tensor flag(double v) {
        return Tensor.scalar(REF, DType.F32, v);
    }

    private static final Map<String, Function<Map<String, Parameter>, Optimizer>> OPTIMIZERS = Map.of(
            "sgd", ps -> Sgd.builder(ps).lr(0.1).momentum(0.9).weightDecay(0.01).build(),
            "adam", ps -> Adam.builder(ps).lr(0.1).build(),
            "adamw", ps -> Adam.builder(ps).lr(0.1).weightDecay(0.01).decoupled(true).build(),
            "rmsprop", ps -> RMSprop.builder(ps).lr(0.01).build());

    @Test
    void aSkippedStepChangesNothingAndLaterStepsEqualThoseOfAnOptimizerThatNeverSawIt() {
        OPTIMIZERS.forEach((name, make) -> {
            Parameter skipping = param();
            Parameter plain = param();
            Optimizer a = make.apply(Map.of("w", skipping));
            Optimizer b = make.apply(Map.of("w", plain));
            setGrad(skipping, GRADS[0]);
            a.step(flag(0));
            setGrad(plain, GRADS[0]);
            b.step();
            assertArrayEquals(plain.value().toFloatArray(), skipping.value().toFloatArray(), name + ": flag 0 steps");
            float[] before = skipping.value().toFloatArray();
            Map<String, Tensor> state = a.state();
            for (double bad : new double[] {Double.POSITIVE_INFINITY, Double.NaN}) {
                setGrad(skipping, 1, bad, -1);
                a.step(flag(1));
                assertArrayEquals(before, skipping.value().toFloatArray(), name + ": flag 1 with a " + bad + " gradient");
            }
            assertEquals(1, a.steps(), name + ": skipped steps are not counted");
            a.state().forEach((k, t) -> assertArrayEquals(state.get(k).toDoubleArray(), t.toDoubleArray(),
                    name + ": state " + k + " after the skipped steps"));
            for (int i = 1; i < GRADS.length; i++) {
                setGrad(skipping, GRADS[i]);
                a.step(flag(0));
                setGrad(plain, GRADS[i]);
                b.step();
                assertArrayEquals(plain.value().toFloatArray(), skipping.value().toFloatArray(), name + ": step " + i);
            }
            assertEquals(b.steps(), a.steps(), name);
        });
    }

    @Test
    void aCheckpointAfterSkippedStepsCountsTheStepsTakenAndResumesBitForBit() {
        OPTIMIZERS.forEach((name, make) -> {
            Parameter p = param();
            Optimizer a = make.apply(Map.of("w", p));
            setGrad(p, GRADS[0]);
            a.step(flag(0));
            setGrad(p, 1, Double.NaN, 1);
            a.step(flag(1));
            Map<String, Tensor> state = a.state();
            assertEquals(1, state.get("steps").item(), name);
            Parameter q = new Parameter(p.value().copy());
            Optimizer resumed = make.apply(Map.of("w", q));
            resumed.loadState(state);
            for (int i = 1; i < GRADS.length; i++) {
                setGrad(p, GRADS[i]);
                a.step(flag(0));
                setGrad(q, GRADS[i]);
                resumed.step(flag(0));
            }
            assertArrayEquals(p.value().toFloatArray(), q.value().toFloatArray(), name);
            assertEquals(3, resumed.steps(), name);
        });
    }

    @Test
    void anAdamThatSkippedStepsLoadsAnothersStateAndContinuesAsThatOne() {
        Parameter p = param();
        Optimizer skipping = OPTIMIZERS.get("adam").apply(Map.of("w", p));
        setGrad(p, GRADS[0]);
        skipping.step(flag(0));
        setGrad(p, 1, Double.NaN, 1);
        skipping.step(flag(1)); // asked 2, taken 1
        Parameter q = param();
        Optimizer reference = OPTIMIZERS.get("adam").apply(Map.of("w", q));
        for (int i = 0; i < 2; i++) {
            setGrad(q, GRADS[i]);
            reference.step();
        }
        p.set(q.value());
        skipping.loadState(reference.state()); // taken 2, as many as were asked for before: the count must be reset
        setGrad(p, GRADS[2]);
        skipping.step(flag(0));
        setGrad(q, GRADS[2]);
        reference.step();
        assertArrayEquals(q.value().toFloatArray(), p.value().toFloatArray());
    }

    @Test
    void stepsRecordedByACaptureThatFailedAreForgotten() {
        OPTIMIZERS.forEach((name, make) -> {
            Parameter p = param();
            Parameter q = param();
            Optimizer a = make.apply(Map.of("w", p));
            Optimizer b = make.apply(Map.of("w", q));
            for (Parameter w : new Parameter[] {p, q}) {
                setGrad(w, GRADS[0]);
            }
            a.step(flag(0));
            b.step(flag(0));
            setGrad(p, GRADS[1]);
            long mark = a.stepsAsked();
            Backend backend = Backends.of(REF);
            assertThrows(IllegalStateException.class, () -> backend.captureGraph(() -> {
                a.step(flag(0));
                p.value().item(); // refused: the capture ends here, its recorded update never runs
            }));
            a.forgetStepsAfter(mark);
            for (int i = 1; i < GRADS.length; i++) {
                setGrad(p, GRADS[i]);
                setGrad(q, GRADS[i]);
                a.step(flag(0));
                b.step(flag(0));
            }
            assertArrayEquals(q.value().toFloatArray(), p.value().toFloatArray(), name);
            assertEquals(b.steps(), a.steps(), name);
        });
    }

    @Test
    void anOptimizerThatCannotSkipOnTheDeviceReadsTheFlag() {
        Parameter p = param();
        Optimizer halving = new PlainSgd(Map.of("w", p), 0.5, false); // w −= lr·g, no kernel of its own
        setGrad(p, 1, Double.POSITIVE_INFINITY, 1);
        halving.step(flag(1));
        assertArrayEquals(new float[] {1.0f, -0.5f, 0.25f}, p.value().toFloatArray());
        assertEquals(0, halving.steps());
        setGrad(p, 2, 2, 2);
        halving.step(flag(0));
        assertArrayEquals(new float[] {0f, -1.5f, -0.75f}, p.value().toFloatArray());
        assertEquals(1, halving.steps());
    }

    @Test
    void theFlagMustBeAFloat32Scalar() {
        Parameter p = param();
        Optimizer sgd = OPTIMIZERS.get("sgd").apply(Map.of("w", p));
        setGrad(p, GRADS[0]);
        for (Tensor bad : new Tensor[] {Tensor.scalar(REF, DType.F64, 0), Tensor.zeros(REF, DType.F32, 1)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> sgd.step(bad));
            assertTrue(e.getMessage().contains("float32 scalar"), e.getMessage());
        }
        assertEquals(0, sgd.steps());
    }
}
