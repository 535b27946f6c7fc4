package striate.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import striate.tensor.DType;

/**
 * Golden test: Mazur's worked backprop example (mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example)
 * through the engine's Linear, Sigmoid, autograd and Sgd. The published numbers (9 significant digits) must
 * match to 1e-6; a chain rule written out by hand in doubles below must match the F64 run to 1e-12.
 */
class BackpropExampleTest {
    // As printed in the article.
    private static final double OUT_H1 = 0.593269992;
    private static final double OUT_H2 = 0.596884378;
    private static final double OUT_O1 = 0.75136507;
    private static final double OUT_O2 = 0.772928465;
    private static final double E_TOTAL = 0.298371109;
    private static final double[] W_AFTER = {0.149780716, 0.19956143, 0.24975114, 0.29950229,
        0.35891648, 0.408666186, 0.511301270, 0.561370121};

    private static double maxError(BackpropExample.Result r) {
        double err = Math.abs(r.outH1() - OUT_H1);
        err = Math.max(err, Math.abs(r.outH2() - OUT_H2));
        err = Math.max(err, Math.abs(r.outO1() - OUT_O1));
        err = Math.max(err, Math.abs(r.outO2() - OUT_O2));
        err = Math.max(err, Math.abs(r.error() - E_TOTAL));
        for (int i = 0; i < 8; i++) {
            err = Math.max(err, Math.abs(r.weightsAfter()[i] - W_AFTER[i]));
        }
        return err;
    }

    private static void assertPublished(BackpropExample.Result r, double tol) {
        assertEquals(OUT_H1, r.outH1(), tol, "out_h1");
        assertEquals(OUT_H2, r.outH2(), tol, "out_h2");
        assertEquals(OUT_O1, r.outO1(), tol, "out_o1");
        assertEquals(OUT_O2, r.outO2(), tol, "out_o2");
        assertEquals(E_TOTAL, r.error(), tol, "E_total");
        for (int i = 0; i < 8; i++) {
            assertEquals(W_AFTER[i], r.weightsAfter()[i], tol, "w" + (i + 1) + " after one step");
        }
    }

    @Test
    void f64MatchesThePublishedNumbers() {
        BackpropExample.Result r = BackpropExample.run(DType.F64);
        assertPublished(r, 1e-6);
        System.out.println("backprop example F64 max |error| vs published: " + maxError(r));
    }

    @Test
    void f32MatchesThePublishedNumbers() {
        BackpropExample.Result r = BackpropExample.run(DType.F32);
        assertPublished(r, 1e-6);
        System.out.println("backprop example F32 max |error| vs published: " + maxError(r));
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** The chain rule by hand: δo = (out − t)·out·(1 − out), δh = Σ δo·w·h(1 − h). */
    @Test
    void f64MatchesTheChainRuleByHand() {
        double[] w = {0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55};
        double i1 = 0.05;
        double i2 = 0.10;
        double h1 = sigmoid(w[0] * i1 + w[1] * i2 + 0.35);
        double h2 = sigmoid(w[2] * i1 + w[3] * i2 + 0.35);
        double o1 = sigmoid(w[4] * h1 + w[5] * h2 + 0.60);
        double o2 = sigmoid(w[6] * h1 + w[7] * h2 + 0.60);
        double e = 0.5 * ((0.01 - o1) * (0.01 - o1) + (0.99 - o2) * (0.99 - o2));
        double d1 = (o1 - 0.01) * o1 * (1 - o1);
        double d2 = (o2 - 0.99) * o2 * (1 - o2);
        double dh1 = (d1 * w[4] + d2 * w[6]) * h1 * (1 - h1);
        double dh2 = (d1 * w[5] + d2 * w[7]) * h2 * (1 - h2);
        double[] grad = {dh1 * i1, dh1 * i2, dh2 * i1, dh2 * i2, d1 * h1, d1 * h2, d2 * h1, d2 * h2};

        BackpropExample.Result r = BackpropExample.run(DType.F64);
        assertEquals(h1, r.outH1(), 1e-12);
        assertEquals(h2, r.outH2(), 1e-12);
        assertEquals(o1, r.outO1(), 1e-12);
        assertEquals(o2, r.outO2(), 1e-12);
        assertEquals(e, r.error(), 1e-12);
        for (int k = 0; k < 8; k++) {
            assertEquals(w[k] - 0.5 * grad[k], r.weightsAfter()[k], 1e-12, "w" + (k + 1));
        }
    }
}
