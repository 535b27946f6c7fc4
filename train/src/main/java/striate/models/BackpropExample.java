package striate.models;

import striate.nn.Linear;
import striate.nn.Losses;
import striate.nn.Module;
import striate.nn.Sequential;
import striate.nn.Sigmoid;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * The worked backpropagation example of Matt Mazur, "A Step by Step Backpropagation Example" (2015,
 * mattmazur.com/2015/03/17/a-step-by-step-backpropagation-example), run through the engine: inputs
 * (0.05, 0.10) [1, 2] → 2 sigmoid hidden units → 2 sigmoid outputs [1, 2], weights w1..w8 = 0.15 ... 0.55,
 * one bias per layer (0.35 hidden, 0.60 output) that is a constant and not learned, targets (0.01, 0.99),
 * E = ½Σ(target − out)², one SGD step with learning rate 0.5.
 */
public final class BackpropExample {
    /** w1..w8 as in the article: w1, w2 into h1; w3, w4 into h2; w5, w6 into o1; w7, w8 into o2. */
    public static final double[] WEIGHTS = {0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55};
    public static final double HIDDEN_BIAS = 0.35;
    public static final double OUTPUT_BIAS = 0.60;
    public static final double[] INPUTS = {0.05, 0.10};
    public static final double[] TARGETS = {0.01, 0.99};
    public static final double LEARNING_RATE = 0.5;

    private BackpropExample() {
    }

    /** The forward values before the step and w1..w8 after it. */
    public record Result(DType dtype, double outH1, double outH2, double outO1, double outO2, double error,
            double[] weightsAfter) {
    }

    /** Runs the forward pass, backward and one SGD step in {@code dtype} on the reference device. */
    public static Result run(DType dtype) {
        Device d = Device.reference();
        Linear hidden = new Linear(Tensor.of(d, dtype, new double[] {WEIGHTS[0], WEIGHTS[1], WEIGHTS[2],
                WEIGHTS[3]}, 2, 2), null); // [out, in]
        Linear output = new Linear(Tensor.of(d, dtype, new double[] {WEIGHTS[4], WEIGHTS[5], WEIGHTS[6],
                WEIGHTS[7]}, 2, 2), null);
        Sequential hiddenLayer = new Sequential(hidden, new ConstantBias(HIDDEN_BIAS), new Sigmoid());
        Sequential outputLayer = new Sequential(output, new ConstantBias(OUTPUT_BIAS), new Sigmoid());
        Module net = new Sequential(hiddenLayer, outputLayer);
        Tensor x = Tensor.of(d, dtype, INPUTS, 1, 2);
        Tensor t = Tensor.of(d, dtype, TARGETS, 1, 2);

        Tensor h = hiddenLayer.forward(x); // [1, 2]
        Tensor y = outputLayer.forward(h); // [1, 2]
        Tensor e = Losses.mse(y, t, Losses.Reduction.SUM).mul(0.5);
        double[] hv = h.toDoubleArray();
        double[] yv = y.toDoubleArray();
        double ev = e.item();

        Sgd opt = Sgd.builder(net.namedParameters()).lr(LEARNING_RATE).build();
        opt.zeroGrad();
        e.backward();
        opt.step();
        double[] w1to4 = hidden.weight().value().toDoubleArray();
        double[] w5to8 = output.weight().value().toDoubleArray();
        double[] after = new double[8];
        System.arraycopy(w1to4, 0, after, 0, 4);
        System.arraycopy(w5to8, 0, after, 4, 4);
        return new Result(dtype, hv[0], hv[1], yv[0], yv[1], ev, after);
    }

    /** Adds a fixed scalar to its input; it has no parameter, so an optimizer leaves it alone. Any shape. */
    private static final class ConstantBias extends Module {
        private final double b;

        ConstantBias(double b) {
            this.b = b;
        }

        @Override
        public Tensor forward(Tensor x) {
            return x.add(b);
        }

        @Override
        public String toString() {
            return "ConstantBias(" + b + ")";
        }
    }
}
