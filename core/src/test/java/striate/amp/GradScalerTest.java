package striate.amp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.autograd.Autocast;
import striate.nn.Linear;
import striate.nn.Losses;
import striate.nn.Parameter;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.Tolerance;

/**
 * GradScaler on the reference backend: PyTorch's defaults, a step with an inf gradient skipped and the scale halved,
 * the scale doubled after growthInterval good steps, unscaled float16 gradients equal to the float32 ones within
 * float16's tolerance, misuse refused, and the state's round trip.
 */
class GradScalerTest {
    private static final Device REF = Device.reference();

    private static Parameter parameter(double... values) {
        return new Parameter(Tensor.of(REF, DType.F32, values));
    }

    private static Optimizer sgd(Parameter p) {
        return Sgd.builder(Map.of("w", p)).lr(0.1).build();
    }

    /** Sets w's gradient to the scale times {@code g}, as backward of a scaled loss would. */
    private static void scaledGradient(GradScaler scaler, Parameter w, double... g) {
        w.value().setGrad(Tensor.of(REF, DType.F32, g).mul(scaler.scale()));
    }

    @Test
    void pytorchDefaults() {
        GradScaler s = new GradScaler();
        assertEquals(65536, s.scale());
        assertEquals(2, GradScaler.GROWTH_FACTOR);
        assertEquals(0.5, GradScaler.BACKOFF_FACTOR);
        assertEquals(2000, GradScaler.GROWTH_INTERVAL);
        assertEquals(3 * 65536, s.scale(Tensor.scalar(REF, DType.F32, 3)).item());
    }

    /**
     * A float16 loss is scaled in float32, as PyTorch's float32 scale promotes it: 65536 is beyond float16's range, so
     * the scaled loss was infinite. (Its gradient, 65536, still overflows at the float16 loss, so the first step is
     * skipped and the scale halves, in PyTorch too: losses are computed in float32 under autocast.)
     */
    @Test
    void aFloat16LossIsScaledInFloat32() {
        Tensor loss = Tensor.scalar(REF, DType.F16, 1.5);
        Tensor scaled = new GradScaler().scale(loss);
        assertEquals(DType.F32, scaled.dtype());
        assertEquals(1.5 * 65536, scaled.item());
        assertEquals(DType.F32, new GradScaler().scale(Tensor.scalar(REF, DType.BF16, 1.5)).dtype());
    }

    @Test
    void aStepWithAnInfGradientIsSkippedAndTheScaleHalves() {
        Parameter w = parameter(1, 2, 3);
        Optimizer opt = sgd(w);
        GradScaler scaler = new GradScaler();
        scaledGradient(scaler, w, 1, Double.POSITIVE_INFINITY, 0);
        scaler.step(opt);
        assertArrayEquals(new double[] {1, 2, 3}, w.value().toDoubleArray(), "the step is skipped");
        assertEquals(0, opt.steps(), "a skipped step is not counted");
        scaler.update();
        assertEquals(32768, scaler.scale());
        assertEquals(1, scaler.skippedSteps());

        scaledGradient(scaler, w, 1, Double.NaN, 0);
        scaler.step(opt);
        assertArrayEquals(new double[] {1, 2, 3}, w.value().toDoubleArray(), "NaN is skipped too");
        scaler.update();
        assertEquals(16384, scaler.scale());
        assertEquals(2, scaler.skippedSteps());

        scaledGradient(scaler, w, 10, -10, 0);
        scaler.step(opt);
        assertEquals(1, opt.steps());
        assertArrayEquals(new double[] {0, 3, 3}, w.value().toDoubleArray(), 1e-6, "w − 0.1·g with g unscaled");
        scaler.update();
        assertEquals(16384, scaler.scale(), "one good step does not grow it");
        assertEquals(1, scaler.growthTracker());
    }

    @Test
    void theScaleDoublesAfterGrowthIntervalGoodSteps() {
        Parameter w = parameter(1);
        Optimizer opt = sgd(w);
        GradScaler scaler = new GradScaler(1024, 2, 0.5, 3);
        for (int i = 1; i <= 7; i++) {
            scaledGradient(scaler, w, 0.5);
            scaler.step(opt);
            scaler.update();
            assertEquals(i, opt.steps());
            double expected = i < 3 ? 1024 : i < 6 ? 2048 : 4096;
            assertEquals(expected, scaler.scale(), "after good step " + i);
        }
        scaledGradient(scaler, w, Double.NEGATIVE_INFINITY);
        scaler.step(opt);
        scaler.update();
        assertEquals(2048, scaler.scale());
        assertEquals(0, scaler.growthTracker(), "a skipped step restarts the count");
    }

    @Test
    void unscaledFloat16GradientsEqualTheFloat32OnesWithinFloat16Tolerance() {
        Linear fc = new Linear(24, 5, new Rng(9));
        Tensor x = Fixtures.uniform(REF, 21, -1, 1, 12, 24);
        Tensor labels = Tensor.ofInts(REF, new int[] {0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1});
        Losses.crossEntropy(fc.forward(x), labels).backward();
        double[] w32 = fc.parameters().get(0).grad().toDoubleArray();
        double[] b32 = fc.parameters().get(1).grad().toDoubleArray();
        fc.zeroGrad();

        GradScaler scaler = new GradScaler();
        Optimizer opt = Sgd.builder(fc.namedParameters()).lr(0.01).build();
        Tensor loss;
        try (Autocast.Scope on = Autocast.enable(DType.F16)) {
            loss = Losses.crossEntropy(fc.forward(x), labels);
        }
        scaler.scale(loss).backward();
        scaler.unscale(opt);
        // float16 products of float16-rounded operands: a few of its units in the last place
        Tolerance f16 = new Tolerance(1e-4, 4 * 0x1p-10);
        String m = f16.mismatches("weight gradient", w32, fc.parameters().get(0).grad().toDoubleArray());
        assertNull(m, m);
        m = f16.mismatches("bias gradient", b32, fc.parameters().get(1).grad().toDoubleArray());
        assertNull(m, m);
        scaler.step(opt);
        scaler.update();
        assertEquals(1, opt.steps());
        assertEquals(0, scaler.skippedSteps());
    }

    @Test
    void theScaleNeverGrowsPastFloat32sRange() {
        Parameter w = parameter(1);
        Optimizer opt = sgd(w);
        GradScaler scaler = new GradScaler(0x1p127, 2, 0.5, 1); // float32's largest power of two
        scaledGradient(scaler, w, 1e-30);
        scaler.step(opt);
        scaler.update();
        assertEquals(0x1p127, scaler.scale(), "2^128 is inf in float32: the scale stays");
        assertEquals(0, scaler.growthTracker(), "the interval restarts, as PyTorch's does");
        GradScaler restored = new GradScaler();
        restored.loadState(scaler.state());
        assertEquals(0x1p127, restored.scale());
    }

    @Test
    void misuseIsRefusedWithAClearLine() {
        Parameter w = parameter(1);
        Optimizer opt = sgd(w);
        GradScaler scaler = new GradScaler();
        assertThrows(IllegalStateException.class, scaler::update, "update before any step");
        scaledGradient(scaler, w, 1);
        scaler.unscale(opt);
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> scaler.unscale(opt));
        assertTrue(twice.getMessage().contains("once per step"), twice.getMessage());
        scaler.step(opt);
        assertThrows(IllegalStateException.class, () -> scaler.step(opt));
        scaler.update();
        assertThrows(IllegalArgumentException.class, () -> new GradScaler(0, 2, 0.5, 10));
        assertThrows(IllegalArgumentException.class, () -> new GradScaler(1, 2, 1.5, 10));
    }

    @Test
    void aDisabledScalerPassesThrough() {
        Parameter w = parameter(1);
        Optimizer opt = sgd(w);
        GradScaler off = GradScaler.disabled();
        Tensor loss = Tensor.scalar(REF, DType.F32, 2);
        assertEquals(loss, off.scale(loss));
        w.value().setGrad(Tensor.of(REF, DType.F32, new double[] {Double.NaN}));
        off.step(opt);
        assertEquals(1, opt.steps(), "no inf checks when disabled");
        assertTrue(Double.isNaN(w.value().item()));
        off.update();
        assertEquals(1, off.scale());
    }

    @Test
    void stateRoundTrips() {
        Parameter w = parameter(1);
        Optimizer opt = sgd(w);
        GradScaler scaler = new GradScaler(4096, 2, 0.5, 5);
        for (double g : new double[] {1, Double.NaN, 1, 1}) {
            scaledGradient(scaler, w, g);
            scaler.step(opt);
            scaler.update();
        }
        Map<String, Tensor> state = scaler.state();
        GradScaler restored = new GradScaler(4096, 2, 0.5, 5);
        restored.loadState(state);
        assertEquals(2048, restored.scale());
        assertEquals(2, restored.growthTracker());
        for (int i = 0; i < 3; i++) {
            for (GradScaler s : new GradScaler[] {scaler, restored}) {
                scaledGradient(s, w, 1);
                s.step(opt);
                s.update();
            }
        }
        assertEquals(scaler.scale(), restored.scale());
        assertEquals(4096, restored.scale(), "grew after 5 good steps in a row, across the save");
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> restored.loadState(Map.of("scale", Tensor.scalar(REF, DType.F64, 1))));
        assertTrue(bad.getMessage().contains("growth_tracker"), bad.getMessage());
    }

    @Test
    void float16GradientsAreRefusedAsPyTorchRefusesThem() { // "Attempting to unscale FP16 gradients."
        Parameter w = new Parameter(Tensor.of(REF, DType.F16, new double[] {1, 2}));
        w.value().setGrad(Tensor.of(REF, DType.F16, new double[] {6, 8}));
        GradScaler scaler = new GradScaler();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> scaler.unscale(sgd(w)));
        assertTrue(e.getMessage().contains("'w' has float16 gradients"), e.getMessage());
        // checked before anything is unscaled: a float32 gradient beside it keeps its value
        Parameter a = parameter(1, 2);
        a.value().setGrad(Tensor.of(REF, DType.F32, new double[] {8, 16}));
        Map<String, Parameter> both = new java.util.LinkedHashMap<>();
        both.put("a", a);
        both.put("w", w);
        assertThrows(IllegalStateException.class, () -> scaler.unscale(Sgd.builder(both).lr(0.1).build()));
        assertArrayEquals(new float[] {8, 16}, a.value().grad().toFloatArray());
    }
}
