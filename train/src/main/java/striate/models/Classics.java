package striate.models;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import striate.autograd.GradMode;
import striate.models.Mlp.Activation;
import striate.models.Perceptron.LearningRule;
import striate.nn.Losses;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The classic curriculum as runnable demos for {@code striate demo <name>}: the perceptron rule on AND, OR,
 * NAND and (failing) XOR, the Hebb rule, the delta rule, a 2-4-1 MLP learning XOR by backprop, and Mazur's
 * worked backprop example. Each prints a short transcript (epochs, errors, the final truth table). Seeded,
 * float64, on the reference device.
 */
public final class Classics {
    private static final List<String> NAMES = List.of("and", "or", "nand", "xor-perceptron", "hebb", "delta",
            "xor", "backprop");
    private static final double[] BINARY = {0, 0, 0, 1, 1, 0, 1, 1};
    private static final double[] BIPOLAR = {-1, -1, -1, 1, 1, -1, 1, 1};
    private static final long XOR_SEED = 42;

    private Classics() {
    }

    /** The demo names, in curriculum order. */
    public static List<String> names() {
        return NAMES;
    }

    /** Runs demo {@code name}, printing its transcript to {@code out}. */
    public static void run(String name, PrintStream out) {
        switch (name) {
            case "and" -> perceptron(out, "AND", new double[] {0, 0, 0, 1});
            case "or" -> perceptron(out, "OR", new double[] {0, 1, 1, 1});
            case "nand" -> perceptron(out, "NAND", new double[] {1, 1, 1, 0});
            case "xor-perceptron" -> perceptron(out, "XOR", new double[] {0, 1, 1, 0});
            case "hebb" -> {
                hebb(out, "AND", new double[] {-1, -1, -1, 1});
                hebb(out, "OR", new double[] {-1, 1, 1, 1});
            }
            case "delta" -> {
                delta(out, "AND", new double[] {0, 0, 0, 1});
                delta(out, "OR", new double[] {0, 1, 1, 1});
            }
            case "xor" -> xor(out);
            case "backprop" -> backprop(out);
            case null, default -> throw new IllegalArgumentException("unknown demo '" + name + "'; known demos: "
                    + String.join(", ", NAMES));
        }
        out.flush();
    }

    private static Tensor patterns(double[] v) {
        return Tensor.of(Device.reference(), DType.F64, v, 4, 2);
    }

    private static Tensor vector(double[] v) {
        return Tensor.of(Device.reference(), DType.F64, v, v.length);
    }

    private static void perceptron(PrintStream out, String gate, double[] t) {
        Tensor x = patterns(BINARY);
        Perceptron p = new Perceptron(2, LearningRule.PERCEPTRON, 1.0);
        int maxEpochs = 1000;
        out.println("perceptron rule (Rosenblatt), " + gate + ", 0/1 targets, lr 1, zero start weights");
        double[] errors = p.train(x, vector(t), maxEpochs);
        for (int e = 0; e < errors.length; e++) {
            if (e < 10 || e == errors.length - 1) {
                out.printf(Locale.ROOT, "epoch %4d  misclassified %d%n", e + 1, (int) errors[e]);
            } else if (e == 10) {
                out.println("...");
            }
        }
        double[] w = p.weight().toDoubleArray();
        out.printf(Locale.ROOT, "w = (%.3f, %.3f), b = %.3f%n", w[0], w[1], p.bias());
        truthTable(out, BINARY, t, p.predict(x).toDoubleArray());
        if (errors[errors.length - 1] == 0) {
            out.println("converged after " + errors.length + " epochs: all 4 patterns correct");
        } else {
            out.println("did not converge in " + maxEpochs + " epochs: every epoch misclassified at least one "
                    + "pattern (" + gate + " is not linearly separable)");
        }
    }

    private static void hebb(PrintStream out, String gate, double[] t) {
        Tensor x = patterns(BIPOLAR);
        Perceptron p = new Perceptron(2, LearningRule.HEBB, 1.0);
        out.println("Hebb rule, bipolar " + gate + ", one pass, lr 1: w += t·x, b += t");
        double[] errors = p.train(x, vector(t), 1);
        double[] w = p.weight().toDoubleArray();
        out.printf(Locale.ROOT, "w = (%.1f, %.1f), b = %.1f, misclassified %d%n", w[0], w[1], p.bias(),
                (int) errors[0]);
        truthTable(out, BIPOLAR, t, p.predict(x).toDoubleArray());
    }

    private static void delta(PrintStream out, String gate, double[] t) {
        Tensor x = patterns(BINARY);
        Perceptron p = new Perceptron(2, LearningRule.DELTA, 0.05);
        int epochs = 300;
        out.println("delta rule (Widrow-Hoff LMS), " + gate + ", 0/1 targets, lr 0.05, " + epochs + " epochs");
        double[] mse = p.train(x, vector(t), epochs);
        for (int e : new int[] {0, 1, 2, 9, 49, 99, 199, epochs - 1}) {
            out.printf(Locale.ROOT, "epoch %4d  mse %.6f%n", e + 1, mse[e]);
        }
        double[] w = p.weight().toDoubleArray();
        out.printf(Locale.ROOT, "w = (%.4f, %.4f), b = %.4f (least squares: 0.5, 0.5, %s)%n", w[0], w[1],
                p.bias(), gate.equals("AND") ? "-0.25" : "0.25");
        truthTable(out, BINARY, t, p.predict(x).toDoubleArray());
    }

    private static void xor(PrintStream out) {
        Tensor x = patterns(BINARY);
        double[] tv = {0, 1, 1, 0};
        Tensor t = Tensor.of(Device.reference(), DType.F64, tv, 4, 1);
        Mlp m = new Mlp(new Rng(XOR_SEED), DType.F64, Activation.TANH, Activation.SIGMOID, 2, 4, 1);
        Sgd opt = Sgd.builder(m.namedParameters()).lr(0.5).build();
        int epochs = 2000;
        out.println(m + ", tanh hidden, sigmoid output, MSE, full-batch SGD lr 0.5, seed " + XOR_SEED);
        for (int e = 0; e < epochs; e++) {
            opt.zeroGrad();
            Tensor loss = Losses.mse(m.forward(x), t);
            loss.backward();
            opt.step();
            if (e == 0 || (e + 1) % 250 == 0) {
                out.printf(Locale.ROOT, "epoch %4d  loss %.6f%n", e + 1, loss.item());
            }
        }
        double[] y;
        try (GradMode.Scope off = GradMode.off()) {
            y = m.forward(x).toDoubleArray();
        }
        double[] predicted = new double[4];
        int correct = 0;
        out.println("x1 x2  target  output    class");
        for (int i = 0; i < 4; i++) {
            predicted[i] = y[i] > 0.5 ? 1 : 0;
            correct += predicted[i] == tv[i] ? 1 : 0;
            out.printf(Locale.ROOT, "%2.0f %2.0f  %6.0f  %.4f  %5.0f%n", BINARY[2 * i], BINARY[2 * i + 1], tv[i], y[i],
                    predicted[i]);
        }
        out.println(correct == 4 ? "XOR learned: all 4 patterns correct" : "XOR not learned: " + correct + "/4 correct");
    }

    private static void backprop(PrintStream out) {
        out.println("Mazur's worked example: 2-2-2 sigmoid net, inputs (0.05, 0.10), targets (0.01, 0.99), lr 0.5");
        out.println("quantity       expected      float64       float32");
        BackpropExample.Result r64 = BackpropExample.run(DType.F64);
        BackpropExample.Result r32 = BackpropExample.run(DType.F32);
        row(out, "out_h1", 0.593269992, r64.outH1(), r32.outH1());
        row(out, "out_h2", 0.596884378, r64.outH2(), r32.outH2());
        row(out, "out_o1", 0.75136507, r64.outO1(), r32.outO1());
        row(out, "out_o2", 0.772928465, r64.outO2(), r32.outO2());
        row(out, "E_total", 0.298371109, r64.error(), r32.error());
        double[] expected = {0.149780716, 0.19956143, 0.24975114, 0.29950229, 0.35891648, 0.408666186, 0.511301270,
            0.561370121};
        double worst = 0;
        for (int i = 0; i < 8; i++) {
            row(out, "w" + (i + 1) + " after", expected[i], r64.weightsAfter()[i], r32.weightsAfter()[i]);
            worst = Math.max(worst, Math.abs(r64.weightsAfter()[i] - expected[i]));
        }
        worst = Math.max(worst, Math.abs(r64.error() - 0.298371109));
        out.printf(Locale.ROOT, "float64 %s the article to 1e-6 (largest difference in E and weights %.1e)%n",
                worst <= 1e-6 ? "matches" : "DOES NOT match", worst);
    }

    private static void row(PrintStream out, String name, double expected, double f64, double f32) {
        out.printf(Locale.ROOT, "%-12s %.9f  %.9f  %.9f%n", name, expected, f64, f32);
    }

    private static void truthTable(PrintStream out, double[] x, double[] t, double[] y) {
        out.println("x1 x2  target  output");
        for (int i = 0; i < t.length; i++) {
            out.printf(Locale.ROOT, "%2.0f %2.0f  %6.0f  %6.0f%s%n", x[2 * i], x[2 * i + 1], t[i], y[i],
                    y[i] == t[i] ? "" : "  wrong");
        }
    }
}
