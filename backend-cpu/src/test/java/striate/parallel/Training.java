package striate.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import striate.models.LeNet5;
import striate.models.Mlp;
import striate.nn.Losses;
import striate.nn.Module;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/** What the data-parallel tests share: models, batches, the single-device loop they compare with, weight checks. */
final class Training {
    static final Device CPU0 = Device.parse("cpu:0");
    static final Supplier<Module> LENET = () -> new LeNet5(LeNet5.Config.defaults(), 42);
    static final Supplier<Module> MLP = () -> new Mlp(new Rng(7), DType.F32, Mlp.Activation.TANH,
            Mlp.Activation.IDENTITY, 20, 16, 5);
    static final Function<Module, Optimizer> SGD = m -> Sgd.builder(m.namedParameters()).lr(0.05).momentum(0.9).build();

    /** A batch: images or features {@code x} on cpu:0, int32 labels {@code y}. */
    record Batch(Tensor x, Tensor y) {
    }

    private Training() {
    }

    static List<Device> cpus(int n) {
        List<Device> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Device(Device.Kind.CPU, i));
        }
        return out;
    }

    /** {@code steps} random batches of {@code size} samples of shape {@code sample}, labels in [0, classes). */
    static List<Batch> batches(int steps, int size, long[] sample, int classes) {
        List<Batch> out = new ArrayList<>();
        Rng rng = new Rng(size * 1000L + steps);
        for (int k = 0; k < steps; k++) {
            long[] dims = new long[sample.length + 1];
            dims[0] = size;
            System.arraycopy(sample, 0, dims, 1, sample.length);
            Tensor x = Tensor.rand(CPU0, DType.F32, Shape.of(dims), -1, 1, rng.nextLong());
            int[] labels = new int[size];
            for (int i = 0; i < size; i++) {
                labels[i] = rng.nextInt(classes);
            }
            out.add(new Batch(x, Tensor.ofInts(CPU0, labels)));
        }
        return out;
    }

    static List<Batch> lenetBatches(int steps, int size) {
        return batches(steps, size, new long[] {1, 28, 28}, 10);
    }

    static List<Batch> mlpBatches(int steps, int size) {
        return batches(steps, size, new long[] {20}, 5);
    }

    /** Trains a model on cpu:0 as the Trainer does, one whole batch per step; returns the losses. */
    static List<Double> trainOnOneDevice(Module model, Optimizer optimizer, List<Batch> batches) {
        List<Double> losses = new ArrayList<>();
        for (Batch b : batches) {
            try (MemoryScope scope = MemoryScope.open()) {
                Tensor loss = Losses.crossEntropy(model.forward(b.x()), b.y());
                losses.add(loss.item());
                optimizer.zeroGrad();
                loss.backward();
                optimizer.step();
                optimizer.zeroGrad();
            }
        }
        return losses;
    }

    /** Every parameter's values, by name. */
    static Map<String, float[]> weights(Module m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.namedParameters().forEach((name, p) -> out.put(name, p.value().toFloatArray()));
        return out;
    }

    static void assertBitIdentical(Map<String, float[]> expected, Map<String, float[]> actual, String what) {
        assertTrue(expected.keySet().equals(actual.keySet()), what + ": parameter names differ");
        expected.forEach((name, e) -> assertArrayEquals(e, actual.get(name), what + ": " + name));
    }

    /**
     * Each parameter within {@code rtol} of the expected one, relative to that parameter's largest magnitude.
     * Returns the largest such relative difference.
     */
    static double assertClose(Map<String, float[]> expected, Map<String, float[]> actual, double rtol, String what) {
        double worst = 0;
        for (Map.Entry<String, float[]> e : expected.entrySet()) {
            float[] want = e.getValue();
            float[] got = actual.get(e.getKey());
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < want.length; i++) {
                scale = Math.max(scale, Math.abs(want[i]));
                diff = Math.max(diff, Math.abs(want[i] - got[i]));
            }
            double relative = diff / scale;
            assertTrue(relative <= rtol, what + ": " + e.getKey() + " differs by " + diff + " (" + relative
                    + " of its largest value " + scale + "), more than " + rtol);
            worst = Math.max(worst, relative);
        }
        return worst;
    }

    /** The largest change of any parameter between two snapshots, relative to that parameter's largest magnitude. */
    static double largestChange(Map<String, float[]> before, Map<String, float[]> after) {
        double worst = 0;
        for (Map.Entry<String, float[]> e : before.entrySet()) {
            float[] a = e.getValue();
            float[] b = after.get(e.getKey());
            double scale = 0;
            double diff = 0;
            for (int i = 0; i < a.length; i++) {
                scale = Math.max(scale, Math.abs(a[i]));
                diff = Math.max(diff, Math.abs(a[i] - b[i]));
            }
            worst = Math.max(worst, diff / scale);
        }
        return worst;
    }
}
