package striate.models;

import java.util.Arrays;
import striate.autograd.GradMode;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * A single linear threshold unit y = f(w·x + b), weight w [in], scalar bias b, trained online (one pattern at
 * a time, in order) by one of three classic rules. Inputs are [n, in], targets [n]; float64 on the reference
 * device. Weights start at zero, so runs are deterministic.
 * <ul>
 * <li>{@link LearningRule#PERCEPTRON}: Rosenblatt (1958), targets 0/1, y = step(w·x + b) (1 where &gt; 0),
 * w += lr·(t − y)·x, b += lr·(t − y). Converges on linearly separable data (Novikoff 1962), never on XOR.</li>
 * <li>{@link LearningRule#HEBB}: Hebb (1949), bipolar ±1 inputs and targets, w += lr·t·x, b += lr·t,
 * classify by sign(w·x + b). Usually one pass.</li>
 * <li>{@link LearningRule#DELTA}: Widrow &amp; Hoff (1960) LMS on the linear output y = w·x + b,
 * w += lr·(t − y)·x, b += lr·(t − y); classify by threshold 0.5 for 0/1 targets, by sign for ±1 targets.</li>
 * </ul>
 */
public final class Perceptron {
    /** How the weights learn from one pattern. */
    public enum LearningRule {
        PERCEPTRON, HEBB, DELTA
    }

    private final LearningRule rule;
    private final double lr;
    private final long inputs;
    private Tensor w; // [in]
    private double b;
    private boolean bipolar;

    /** A unit with {@code inputs} inputs, zero weights and bias, learning by {@code rule} at rate {@code lr}. */
    public Perceptron(long inputs, LearningRule rule, double lr) {
        if (inputs < 1 || !(lr > 0)) {
            throw new IllegalArgumentException("Perceptron: need inputs >= 1 and lr > 0, got " + inputs + ", " + lr);
        }
        this.rule = rule;
        this.lr = lr;
        this.inputs = inputs;
        this.w = Tensor.zeros(Device.reference(), DType.F64, inputs);
        this.bipolar = rule == LearningRule.HEBB;
    }

    /**
     * Runs up to {@code epochs} passes over the patterns in order and returns one number per pass:
     * PERCEPTRON, the number of patterns that caused an update (misclassified when presented), stopping early
     * after the first pass with none (the weights no longer change); HEBB, the number of patterns misclassified
     * after the pass; DELTA, the mean squared error of the linear output over all patterns after the pass.
     */
    public double[] train(Tensor x, Tensor t, int epochs) {
        checkData(x, t);
        double[] targets = t.toDoubleArray();
        bipolar = switch (rule) {
            case PERCEPTRON -> requireTargets(targets, 0, 1);
            case HEBB -> requireTargets(targets, -1, 1);
            case DELTA -> isBipolar(targets);
        };
        Tensor xs = x.to(DType.F64);
        int n = targets.length;
        double[] history = new double[epochs];
        try (GradMode.Scope off = GradMode.off()) {
            for (int e = 0; e < epochs; e++) {
                int updates = 0;
                for (int i = 0; i < n; i++) {
                    Tensor xi = xs.slice(0, i, i + 1).reshape(inputs); // [in]
                    double net = xi.mul(w).sum().item() + b;
                    double delta = switch (rule) {
                        case PERCEPTRON -> targets[i] - (net > 0 ? 1 : 0);
                        case HEBB -> targets[i];
                        case DELTA -> targets[i] - net;
                    };
                    if (delta != 0) {
                        updates++;
                        w = w.add(xi.mul(lr * delta));
                        b += lr * delta;
                    }
                }
                history[e] = switch (rule) {
                    case PERCEPTRON -> updates;
                    case HEBB -> errors(xs, targets);
                    case DELTA -> mse(xs, t);
                };
                if (rule == LearningRule.PERCEPTRON && updates == 0) {
                    return Arrays.copyOf(history, e + 1);
                }
            }
        }
        return history;
    }

    /** The linear output w·x + b [n] for inputs [n, in]. */
    public Tensor net(Tensor x) {
        checkInputs(x);
        try (GradMode.Scope off = GradMode.off()) {
            return x.to(DType.F64).matmul(w.reshape(inputs, 1)).reshape(x.dim(0)).add(b); // [n]
        }
    }

    /** Class decisions [n]: 0/1 (PERCEPTRON, DELTA on 0/1 targets) or sign −1/0/+1 (HEBB, DELTA on ±1 targets). */
    public Tensor predict(Tensor x) {
        Tensor y = net(x);
        try (GradMode.Scope off = GradMode.off()) {
            return switch (rule) {
                case PERCEPTRON -> y.step();
                case HEBB -> y.sign(); // 0 stays undecided and counts as an error
                case DELTA -> bipolar ? y.sign() : y.add(-0.5).step();
            };
        }
    }

    /** Number of patterns whose prediction differs from the target. */
    public int errors(Tensor x, Tensor t) {
        return errors(x.to(DType.F64), t.toDoubleArray());
    }

    private int errors(Tensor x, double[] targets) {
        double[] p = predict(x).toDoubleArray();
        int wrong = 0;
        for (int i = 0; i < p.length; i++) {
            wrong += p[i] == targets[i] ? 0 : 1;
        }
        return wrong;
    }

    /** Mean squared error of the linear output against the targets. */
    public double mse(Tensor x, Tensor t) {
        try (GradMode.Scope off = GradMode.off()) {
            return net(x).sub(t.to(DType.F64)).square().mean().item();
        }
    }

    /** The weights [in] (a copy). */
    public Tensor weight() {
        return w.copy();
    }

    public double bias() {
        return b;
    }

    public LearningRule rule() {
        return rule;
    }

    @Override
    public String toString() {
        return "Perceptron(" + inputs + ", " + rule + ", lr=" + lr + ")";
    }

    private void checkInputs(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != inputs) {
            throw new IllegalArgumentException("Perceptron: inputs must be [n, " + inputs + "], got " + x.shape());
        }
    }

    private void checkData(Tensor x, Tensor t) {
        checkInputs(x);
        if (t.rank() != 1 || t.dim(0) != x.dim(0)) {
            throw new IllegalArgumentException("Perceptron: targets must be [" + x.dim(0) + "], got " + t.shape());
        }
    }

    private boolean requireTargets(double[] targets, double low, double high) {
        for (double v : targets) {
            if (v != low && v != high) {
                throw new IllegalArgumentException("Perceptron(" + rule + "): targets must be " + (int) low + " or "
                        + (int) high + ", got " + v);
            }
        }
        return low < 0;
    }

    private boolean isBipolar(double[] targets) {
        boolean zeroOne = true;
        boolean plusMinus = true;
        for (double v : targets) {
            zeroOne &= v == 0 || v == 1;
            plusMinus &= v == -1 || v == 1;
        }
        if (!zeroOne && !plusMinus) {
            throw new IllegalArgumentException("Perceptron(DELTA): targets must be all 0/1 or all -1/+1, got "
                    + Arrays.toString(targets));
        }
        return !zeroOne;
    }
}
