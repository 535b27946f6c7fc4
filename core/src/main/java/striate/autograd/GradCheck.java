package striate.autograd;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import striate.tensor.DType;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Checks backward rules against central finite differences, in double. The function's output is projected
 * on fixed random weights r to a scalar L = Σ f(x)·r, so every output element's gradient is exercised. For
 * each input element, numeric dL/dx = (L(x+ε) − L(x−ε)) / 2ε is compared with the analytic gradient as
 * |analytic − numeric| ≤ atol + rtol·|numeric|. Elements where the one-sided differences disagree sit on a
 * kink (ReLU at 0, a max tie, a pooling switch) and are skipped and counted, not failed.
 */
public final class GradCheck {
    private final double eps;
    private final double atol;
    private final double rtol;

    public GradCheck(double eps, double atol, double rtol) {
        this.eps = eps;
        this.atol = atol;
        this.rtol = rtol;
    }

    /** ε = 1e-6, atol = 1e-5, rtol = 1e-4: tight for double, loose enough for the finite-difference error. */
    public static GradCheck standard() {
        return new GradCheck(1e-6, 1e-5, 1e-4);
    }

    /** What a check found: elements compared, kinks skipped, the largest error and the first mismatches. */
    public record Result(int checked, int skipped, double maxError, List<String> mismatches) {
        public boolean passed() {
            return mismatches.isEmpty() && checked > 0;
        }

        @Override
        public String toString() {
            return "checked " + checked + ", skipped " + skipped + " kinks, max error " + maxError
                    + (mismatches.isEmpty() ? "" : "; mismatches (input[index] analytic numeric): " + mismatches);
        }
    }

    /**
     * Checks the gradient of {@code f} with respect to every float64 input. Inputs must be float64 leaves;
     * integer inputs (labels) are passed through unchanged.
     */
    public Result check(Function<Tensor[], Tensor> f, Tensor... inputs) {
        Tensor[] leaves = new Tensor[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (inputs[i].dtype() == DType.F32) {
                throw new IllegalArgumentException("GradCheck runs in float64: pass inputs as DType.F64");
            }
            leaves[i] = inputs[i].copy().detach();
            leaves[i].requiresGrad(leaves[i].dtype() == DType.F64);
        }
        Tensor y = f.apply(leaves);
        Tensor r = Tensor.rand(y.device(), DType.F64, y.shape(), -1, 1, 12345);
        Tensor loss = y.mul(r).sum();
        loss.backward();

        int checked = 0;
        int skipped = 0;
        double maxError = 0;
        List<String> mismatches = new ArrayList<>();
        for (int i = 0; i < leaves.length; i++) {
            if (!leaves[i].requiresGrad()) {
                continue;
            }
            double[] analytic = leaves[i].grad() == null ? new double[(int) leaves[i].size()]
                    : leaves[i].grad().toDoubleArray();
            double[] x = leaves[i].toDoubleArray();
            for (int j = 0; j < x.length; j++) {
                double x0 = x[j];
                double l0 = projected(f, leaves, i, x, j, x0, r);
                double lp = projected(f, leaves, i, x, j, x0 + eps, r);
                double lm = projected(f, leaves, i, x, j, x0 - eps, r);
                x[j] = x0;
                leaves[i].copyFrom(x);
                double forward = (lp - l0) / eps;
                double backward = (l0 - lm) / eps;
                if (Math.abs(forward - backward) > 10 * (atol + rtol * Math.abs(forward))) {
                    skipped++;
                    continue;
                }
                double numeric = (lp - lm) / (2 * eps);
                double error = Math.abs(analytic[j] - numeric);
                maxError = Math.max(maxError, error);
                checked++;
                if (error > atol + rtol * Math.abs(numeric) && mismatches.size() < 8) {
                    mismatches.add("input" + i + "[" + j + "] " + analytic[j] + " " + numeric);
                }
            }
        }
        return new Result(checked, skipped, maxError, mismatches);
    }

    private static double projected(Function<Tensor[], Tensor> f, Tensor[] leaves, int i, double[] x, int j,
                                    double value, Tensor r) {
        x[j] = value;
        leaves[i].copyFrom(x);
        try (GradMode.Scope off = GradMode.off()) {
            return f.apply(leaves).mul(r).sum().item();
        }
    }

    /** A float64 tensor of uniform values in [low, high) on {@code device}, for test inputs. */
    public static Tensor uniform(striate.tensor.Device device, long seed, double low, double high, long... dims) {
        return Tensor.rand(device, DType.F64, Shape.of(dims), low, high, seed);
    }
}
