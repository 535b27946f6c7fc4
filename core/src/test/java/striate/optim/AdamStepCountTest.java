package striate.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.nn.Parameter;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * Adam's bias correction counts each parameter's own steps, as PyTorch's state['step'] does: a parameter without a
 * gradient in a step (not yet used, or unused for a while) or frozen keeps its count, so its first update moves it by
 * about lr whatever the optimizer's step. The counts are in the state, survive a round trip, and a state saved with
 * one count for all (before the counts were per parameter) gives each parameter with moments the steps taken.
 */
class AdamStepCountTest {
    private static final Device REF = Device.reference();
    private static final double LR = 0.1;

    private static Parameter param(double v) {
        return new Parameter(Tensor.of(REF, DType.F64, new double[] {v}));
    }

    private static void setGrad(Parameter p, double g) {
        p.value().setGrad(Tensor.of(REF, DType.F64, new double[] {g}));
    }

    /** One parameter's Adam by hand, in double: PyTorch's formula with its own count t. */
    private static final class ByHand {
        double w;
        double m;
        double v;
        int t;

        ByHand(double w) {
            this.w = w;
        }

        void step(double g) {
            t++;
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            w -= LR * (m / (1 - Math.pow(0.9, t))) / (Math.sqrt(v / (1 - Math.pow(0.999, t))) + 1e-8);
        }
    }

    private static double value(Parameter p) {
        return p.value().toDoubleArray()[0];
    }

    private static double count(Adam opt, String name) {
        return opt.state().get(name + ".step").item();
    }

    @Test
    void aParameterFirstUsedLateStartsItsOwnCount() {
        Parameter a = param(1);
        Parameter b = param(1);
        Map<String, Parameter> ps = new LinkedHashMap<>();
        ps.put("a", a);
        ps.put("b", b);
        Adam opt = Adam.builder(ps).lr(LR).build();
        ByHand ha = new ByHand(1);
        ByHand hb = new ByHand(1);
        setGrad(a, 1);
        opt.step(); // b has no gradient yet
        ha.step(1);
        setGrad(a, 1);
        setGrad(b, 1);
        opt.step();
        ha.step(1);
        hb.step(1);
        assertEquals(0.9, value(b), 1e-7, "a first update moves by lr (the old global count gave 0.9256)");
        assertEquals(hb.w, value(b), 1e-15);
        assertEquals(ha.w, value(a), 1e-15);
        assertEquals(2, count(opt, "a"));
        assertEquals(1, count(opt, "b"));
        assertEquals(2, opt.steps());
    }

    @Test
    void stepsWithoutAGradientOrFrozenDoNotCount() {
        Parameter w = param(0.5);
        Parameter frozen = new Parameter(Tensor.of(REF, DType.F64, new double[] {2}), false);
        Map<String, Parameter> ps = new LinkedHashMap<>();
        ps.put("w", w);
        ps.put("frozen", frozen);
        Adam opt = Adam.builder(ps).lr(LR).build();
        ByHand h = new ByHand(0.5);
        double[] grads = {0.3, Double.NaN, Double.NaN, -0.7, 0.2};
        for (double g : grads) {
            w.zeroGrad();
            setGrad(frozen, 1); // frozen: never updated, never counted, even with a gradient
            if (!Double.isNaN(g)) {
                setGrad(w, g);
                h.step(g);
            }
            opt.step();
        }
        assertEquals(h.w, value(w), 1e-15);
        assertEquals(3, count(opt, "w"));
        assertEquals(2, value(frozen));
        assertTrue(!opt.state().containsKey("frozen.step"), "a parameter never updated has no state, as in PyTorch");
    }

    @Test
    void theCountsSurviveAStateRoundTrip() {
        Parameter a1 = param(1);
        Parameter b1 = param(-1);
        Parameter a2 = param(0);
        Parameter b2 = param(0);
        Adam o1 = Adam.builder(pair(a1, b1)).lr(LR).build();
        Adam o2 = Adam.builder(pair(a2, b2)).lr(LR).build();
        setGrad(a1, 0.4);
        o1.step();
        setGrad(a1, -0.2);
        setGrad(b1, 0.3);
        o1.step();
        a2.set(a1.value());
        b2.set(b1.value());
        o2.loadState(o1.state());
        assertEquals(2, count(o2, "a"));
        assertEquals(1, count(o2, "b"));
        for (Parameter p : new Parameter[] {a1, b1, a2, b2}) {
            setGrad(p, 0.25);
        }
        o1.step();
        o2.step();
        assertEquals(value(a1), value(a2), 0);
        assertEquals(value(b1), value(b2), 0);
    }

    @Test
    void aStateWithOneCountForAllGivesEachParameterWithMomentsTheStepsTaken() {
        Parameter a1 = param(1);
        Parameter b1 = param(-1);
        Adam o1 = Adam.builder(pair(a1, b1)).lr(LR).build();
        for (int i = 0; i < 3; i++) {
            setGrad(a1, 0.1 * (i + 1));
            setGrad(b1, -0.2);
            o1.step();
        }
        Map<String, Tensor> old = new LinkedHashMap<>(o1.state());
        old.keySet().removeIf(k -> k.endsWith(".step")); // as a checkpoint written before the counts were per parameter
        Parameter a2 = param(0);
        Parameter b2 = param(0);
        a2.set(a1.value());
        b2.set(b1.value());
        Adam o2 = Adam.builder(pair(a2, b2)).lr(LR).build();
        o2.loadState(old);
        assertEquals(3, count(o2, "a"));
        assertEquals(3, count(o2, "b"));
        for (Parameter p : new Parameter[] {a1, b1, a2, b2}) {
            setGrad(p, 0.5);
        }
        o1.step();
        o2.step();
        assertArrayEquals(new double[] {value(a1), value(b1)}, new double[] {value(a2), value(b2)}, 0);
    }

    /**
     * A step that updates some parameters advances their counts through a mask of them, made at the first eager step
     * of that set; a set first met inside a capture advances them one by one. Either way, replays equal eager steps.
     */
    @Test
    void partialStepsReplayedFromACaptureCountAsEagerOnes() {
        for (boolean maskMadeEagerly : new boolean[] {true, false}) {
            Parameter a1 = param(1);
            Parameter b1 = param(-1);
            Parameter a2 = param(1);
            Parameter b2 = param(-1);
            Adam graphed = Adam.builder(pair(a1, b1)).lr(LR).build();
            Adam eager = Adam.builder(pair(a2, b2)).lr(LR).build();
            setGrad(a1, 0.5);
            setGrad(a2, 0.5);
            if (!maskMadeEagerly) { // the first step updates both: the capture meets "a alone" first
                setGrad(b1, 0.25);
                setGrad(b2, 0.25);
            }
            graphed.step();
            eager.step();
            b1.zeroGrad();
            b2.zeroGrad(); // from here on only a has a gradient
            striate.backend.Backend backend = striate.backend.Backends.of(REF);
            try (striate.backend.CapturedGraph g = backend.captureGraph(graphed::step)) {
                for (int i = 0; i < 3; i++) {
                    g.replay();
                    if (i > 0) {
                        graphed.countReplayedStep();
                    }
                    eager.step();
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            String what = maskMadeEagerly ? "mask made eagerly" : "set first met in the capture";
            for (Parameter p : new Parameter[] {a1, b1, a2, b2}) { // b's next update reads the count it kept
                setGrad(p, -0.75);
            }
            graphed.step();
            eager.step();
            assertEquals(value(a2), value(a1), 0, what);
            assertEquals(value(b2), value(b1), 0, what);
            assertEquals(5, count(graphed, "a"), what);
            assertEquals(maskMadeEagerly ? 1 : 2, count(graphed, "b"), what);
        }
    }

    @Test
    void aCountThatIsNotAWholeNumberIsRefused() {
        Adam opt = Adam.builder(pair(param(1), param(2))).lr(LR).build();
        Map<String, Tensor> state = Map.of("steps", Tensor.scalar(REF, DType.F64, 1), "a.step",
                Tensor.scalar(REF, DType.F64, 1.5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.loadState(state));
        assertTrue(e.getMessage().contains("'a.step' must be a whole count"), e.getMessage());
    }

    private static Map<String, Parameter> pair(Parameter a, Parameter b) {
        Map<String, Parameter> ps = new LinkedHashMap<>();
        ps.put("a", a);
        ps.put("b", b);
        return ps;
    }
}
