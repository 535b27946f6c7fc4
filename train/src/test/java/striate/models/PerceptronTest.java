package striate.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.models.Perceptron.LearningRule;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * The three single-unit rules on the two-input truth tables. Bounds are derived by hand: Novikoff's theorem
 * (mistakes ≤ R²‖w*‖²/γ² for zero start weights) with a hand-picked separator w*, the Hebb weights by summing
 * t·x over the four bipolar patterns, the LMS optimum by least squares.
 */
class PerceptronTest {
    private static final Tensor BINARY = inputs(0, 0, 0, 1, 1, 0, 1, 1);
    private static final Tensor BIPOLAR = inputs(-1, -1, -1, 1, 1, -1, 1, 1);

    private static Tensor inputs(double... v) {
        return Tensor.of(Device.reference(), DType.F64, v, 4, 2);
    }

    private static Tensor targets(double... v) {
        return Tensor.of(Device.reference(), DType.F64, v, 4);
    }

    /**
     * Novikoff's mistake bound for patterns (0/1)² augmented with a constant 1 (R² = 3) and a separator
     * (w1, w2, b) whose smallest |margin| over the four patterns is γ.
     */
    private static int novikoff(double w1, double w2, double b, Tensor t) {
        double[] x = BINARY.toDoubleArray();
        double[] y = t.toDoubleArray();
        double gamma = Double.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            double net = w1 * x[2 * i] + w2 * x[2 * i + 1] + b;
            assertTrue((net > 0) == (y[i] == 1), "hand-picked separator must separate pattern " + i);
            gamma = Math.min(gamma, Math.abs(net));
        }
        return (int) Math.floor(3 * (w1 * w1 + w2 * w2 + b * b) / (gamma * gamma));
    }

    private static void learnsWithinNovikoffBound(Tensor t, double w1, double w2, double b) {
        int bound = novikoff(w1, w2, b, t);
        Perceptron p = new Perceptron(2, LearningRule.PERCEPTRON, 1.0);
        double[] errors = p.train(BINARY, t, 1000);
        double mistakes = 0;
        for (double e : errors) {
            mistakes += e;
        }
        assertEquals(0, errors[errors.length - 1], "a final clean pass");
        assertTrue(mistakes <= bound, "mistakes " + mistakes + " > Novikoff bound " + bound);
        assertTrue(errors.length <= bound + 1, "epochs " + errors.length);
        assertArrayEquals(t.toDoubleArray(), p.predict(BINARY).toDoubleArray());
    }

    @Test
    void perceptronRuleLearnsAnd() {
        learnsWithinNovikoffBound(targets(0, 0, 0, 1), 1, 1, -1.5); // bound 51
    }

    @Test
    void perceptronRuleLearnsOr() {
        learnsWithinNovikoffBound(targets(0, 1, 1, 1), 1, 1, -0.5); // bound 27
    }

    @Test
    void perceptronRuleLearnsNand() {
        learnsWithinNovikoffBound(targets(1, 1, 1, 0), -1, -1, 1.5); // bound 51
    }

    /**
     * XOR is not linearly separable: w·x + b > 0 at (0,1) and (1,0) sums to w1 + w2 + 2b > 0, while ≤ 0 at
     * (0,0) and (1,1) sums to w1 + w2 + 2b ≤ 0. So no weights classify all four, and every pass must meet a
     * misclassified pattern.
     */
    @Test
    void perceptronRuleNeverConvergesOnXor() {
        Tensor t = targets(0, 1, 1, 0);
        Perceptron p = new Perceptron(2, LearningRule.PERCEPTRON, 1.0);
        double[] errors = p.train(BINARY, t, 1000);
        assertEquals(1000, errors.length, "never stops early");
        for (int e = 0; e < errors.length; e++) {
            assertTrue(errors[e] >= 1, "epoch " + e + " had no misclassification");
        }
        assertTrue(p.errors(BINARY, t) >= 1);
    }

    @Test
    void hebbLearnsBipolarAndInOnePass() {
        Tensor t = targets(-1, -1, -1, 1);
        Perceptron p = new Perceptron(2, LearningRule.HEBB, 1.0);
        double[] errors = p.train(BIPOLAR, t, 1);
        // Σ t·x = (1,1) + (-1,1) + (1,-1) + (1,1) = (2, 2); Σ t = -2.
        assertArrayEquals(new double[] {2, 2}, p.weight().toDoubleArray());
        assertEquals(-2, p.bias());
        assertArrayEquals(new double[] {0}, errors);
        assertArrayEquals(t.toDoubleArray(), p.predict(BIPOLAR).toDoubleArray());
    }

    @Test
    void hebbLearnsBipolarOrInOnePass() {
        Tensor t = targets(-1, 1, 1, 1);
        Perceptron p = new Perceptron(2, LearningRule.HEBB, 1.0);
        p.train(BIPOLAR, t, 1);
        // Σ t·x = (1,1) + (-1,1) + (1,-1) + (1,1) = (2, 2); Σ t = 2.
        assertArrayEquals(new double[] {2, 2}, p.weight().toDoubleArray());
        assertEquals(2, p.bias());
        assertEquals(0, p.errors(BIPOLAR, t));
    }

    @Test
    void hebbRejectsBinaryTargets() {
        Perceptron p = new Perceptron(2, LearningRule.HEBB, 1.0);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> p.train(BIPOLAR, targets(0, 0, 0, 1), 1));
    }

    /**
     * LMS approaches the least-squares fit. For AND, t = 0.5·x1 + 0.5·x2 − 0.25 leaves residuals ±0.25 (MSE
     * 0.0625); for OR, t = 0.5·x1 + 0.5·x2 + 0.25, the same. Thresholded at 0.5 both give the truth table.
     */
    private static void deltaLearns(Tensor t, double b) {
        Perceptron p = new Perceptron(2, LearningRule.DELTA, 0.05);
        double[] mse = p.train(BINARY, t, 300);
        assertTrue(mse[mse.length - 1] < mse[0], "final " + mse[mse.length - 1] + " first " + mse[0]);
        assertTrue(mse[mse.length - 1] >= 0.0625 - 1e-12, "cannot beat least squares");
        assertTrue(mse[mse.length - 1] < 0.07, "near the least-squares MSE: " + mse[mse.length - 1]);
        double[] w = p.weight().toDoubleArray();
        assertEquals(0.5, w[0], 0.1);
        assertEquals(0.5, w[1], 0.1);
        assertEquals(b, p.bias(), 0.1);
        assertArrayEquals(t.toDoubleArray(), p.predict(BINARY).toDoubleArray());
        // With a fixed rate, online LMS settles into a cycle slightly off the least-squares point, so the
        // end-of-epoch MSE falls strictly at first and may then creep up by a hair toward that cycle.
        for (int e = 1; e < mse.length; e++) {
            if (e < 50) {
                assertTrue(mse[e] < mse[e - 1], "MSE rose early, at epoch " + e);
            }
            assertTrue(mse[e] <= mse[e - 1] + 1e-5, "MSE jumped at epoch " + e + ": " + mse[e - 1] + " -> " + mse[e]);
        }
    }

    @Test
    void deltaRuleLearnsAnd() {
        deltaLearns(targets(0, 0, 0, 1), -0.25);
    }

    @Test
    void deltaRuleLearnsOr() {
        deltaLearns(targets(0, 1, 1, 1), 0.25);
    }

    @Test
    void deltaRuleOnBipolarTargetsClassifiesBySign() {
        Tensor t = targets(-1, -1, -1, 1);
        Perceptron p = new Perceptron(2, LearningRule.DELTA, 0.05);
        p.train(BIPOLAR, t, 200);
        assertArrayEquals(t.toDoubleArray(), p.predict(BIPOLAR).toDoubleArray());
    }
}
