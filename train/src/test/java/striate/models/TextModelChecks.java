package striate.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import striate.autograd.GradMode;
import striate.nn.Losses;
import striate.nn.Module;
import striate.nn.Parameter;
import striate.optim.Adam;
import striate.optim.Optimizer;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.train.Metrics;

/**
 * Checks the text classifiers share: every trainable parameter's gradient of a whole model against central
 * differences in float64, and a toy task only a convolution solves (spot the bigram "5 6" among messages that all
 * hold both words), learnt quickly.
 */
final class TextModelChecks {
    private static final Device REF = Device.reference();
    static final int WORDS = 12;
    static final int LENGTH = 10;

    private TextModelChecks() {
    }

    /**
     * The model (in evaluation mode, converted to float64) projected on fixed random weights r, L = Σ logits·r: the
     * analytic gradient of every trainable parameter element against (L(p + ε) − L(p − ε)) / 2ε, skipping kinks
     * (ReLU at 0, a max or k-max switch) where the one-sided differences disagree. Most elements must be checked.
     * The padding row (row 0 of {@code embedding.weight}) gets no gradient by design, as PyTorch's padding_idx: its
     * analytic gradient must be zero whatever the differences say.
     */
    static void gradientsMatchFiniteDifferences(Module model, Tensor ids) {
        model.to(DType.F64);
        model.eval();
        Tensor logits = model.forward(ids);
        Tensor r = Tensor.rand(REF, DType.F64, logits.shape(), -1, 1, 99);
        model.zeroGrad();
        logits.mul(r).sum().backward();
        double eps = 1e-6;
        int checked = 0;
        int skipped = 0;
        List<String> bad = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : model.namedParameters().entrySet()) {
            Parameter p = e.getValue();
            if (!p.requiresGrad()) {
                continue;
            }
            double[] analytic = p.grad() == null ? new double[(int) p.value().size()] : p.grad().toDoubleArray();
            double[] v = p.value().toDoubleArray();
            int padding = e.getKey().equals("embedding.weight") ? (int) p.value().dim(1) : 0;
            for (int j = 0; j < padding; j++) {
                if (analytic[j] != 0) {
                    bad.add("padding row " + e.getKey() + "[" + j + "] " + analytic[j]);
                }
            }
            for (int j = padding; j < v.length; j++) {
                double v0 = v[j];
                double l0 = projected(model, ids, r, p, v, j, v0);
                double lp = projected(model, ids, r, p, v, j, v0 + eps);
                double lm = projected(model, ids, r, p, v, j, v0 - eps);
                v[j] = v0;
                p.value().copyFrom(v);
                if (Math.abs((lp - l0) - (l0 - lm)) > 1e-3 * eps + 1e-4 * Math.abs(lp - l0)) {
                    skipped++;
                    continue;
                }
                double numeric = (lp - lm) / (2 * eps);
                checked++;
                if (Math.abs(analytic[j] - numeric) > 1e-5 + 1e-4 * Math.abs(numeric) && bad.size() < 8) {
                    bad.add(e.getKey() + "[" + j + "] " + analytic[j] + " " + numeric);
                }
            }
        }
        assertTrue(bad.isEmpty(), "mismatches (parameter[index] analytic numeric): " + bad);
        assertTrue(checked > 0.9 * (checked + skipped), "checked " + checked + ", skipped " + skipped + " kinks");
    }

    private static double projected(Module model, Tensor ids, Tensor r, Parameter p, double[] v, int j,
                                    double value) {
        v[j] = value;
        p.value().copyFrom(v);
        try (GradMode.Scope off = GradMode.off()) {
            return model.forward(ids).mul(r).sum().item();
        }
    }

    /** One example: ids [LENGTH] holding 5 and 6, class 1 when somewhere 6 directly follows 5. */
    private static int example(Rng rng, int[] ids, int at) {
        for (int i = 0; i < LENGTH; i++) {
            ids[at + i] = 1 + rng.nextInt(4); // filler words 1..4
        }
        int label = rng.nextInt(2);
        int a = rng.nextInt(LENGTH - 1);
        if (label == 1) {
            ids[at + a] = 5;
            ids[at + a + 1] = 6;
        } else {
            int b = rng.nextInt(LENGTH);
            while (b == a + 1) {
                b = rng.nextInt(LENGTH);
            }
            ids[at + a] = 5;
            ids[at + b] = 6;
        }
        return label;
    }

    /** A batch of {@code n} examples: ids int32 [n, LENGTH] and labels int32 [n]. */
    static Tensor[] batch(Rng rng, int n, Device device) {
        int[] ids = new int[n * LENGTH];
        int[] labels = new int[n];
        for (int k = 0; k < n; k++) {
            labels[k] = example(rng, ids, k * LENGTH);
        }
        return new Tensor[] {Tensor.ofInts(device, ids, n, LENGTH), Tensor.ofInts(device, labels, n)};
    }

    /** Trains {@code model} with Adam (lr 0.01) on {@code steps} batches of 32; returns held-out accuracy on 200. */
    static double toyAccuracy(Module model, int steps, Device device) {
        model.to(device);
        model.train();
        Optimizer opt = Adam.builder(model.namedParameters()).lr(0.01).build();
        Rng rng = new Rng(7);
        for (int s = 0; s < steps; s++) {
            Tensor[] b = batch(rng, 32, device);
            opt.zeroGrad();
            Losses.crossEntropy(model.forward(b[0]), b[1]).backward();
            opt.step();
        }
        model.eval();
        Tensor[] test = batch(new Rng(1234), 200, device);
        try (GradMode.Scope off = GradMode.off()) {
            int[] got = Metrics.argmax(model.forward(test[0]));
            int[] want = test[1].toIntArray();
            int right = 0;
            for (int i = 0; i < want.length; i++) {
                right += got[i] == want[i] ? 1 : 0;
            }
            return right / (double) want.length;
        }
    }
}
