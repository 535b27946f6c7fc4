package striate.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import striate.nn.Conv1d;
import striate.nn.DynamicKMaxPool;
import striate.nn.Embedding;
import striate.nn.Functional;
import striate.nn.Losses;
import striate.nn.Module;
import striate.op.MatMulOp;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The text-classification layers on one backend against the reference, subclassed per backend like
 * {@link OpConformance}: Conv1d (stride, padding, dilation, groups, the fused ReLU, a text-CNN's shape) forward and
 * the gradients of input, weight and bias; max over time; dynamic k-max pooling with ties; a frozen pretrained
 * embedding that gets no gradient; and {@link #assertSameStep}, one training step of a whole model, for the model
 * tests of each backend.
 */
public abstract class TextLayersConformance {
    /** The device under test. */
    protected abstract Device device();

    /** Sums of products in float32, as the conv kernels' table entry. */
    private static final Tolerance CLOSE = Tolerance.of(MatMulOp.class, DType.F32);

    /** Output and the gradients of x and every parameter of conv on d, after a projection on fixed weights. */
    private static Map<String, double[]> conv1dPass(Conv1d conv, Device d, long[] xDims, boolean relu) {
        conv.to(d);
        Tensor x = Fixtures.uniform(d, 31, -1, 1, xDims).copy().requiresGrad(true);
        Tensor yFull = conv.forward(x, relu); // [n, out, lOut]
        Tensor y = Functional.adaptiveMaxPool1d(yFull, 1); // [n, out, 1]
        Tensor r = Fixtures.uniform(d, 32, -1, 1, yFull.shape().dims());
        yFull.mul(r).sum().add(y.sum()).backward();
        Map<String, double[]> out = new LinkedHashMap<>();
        out.put("output", yFull.toDoubleArray());
        out.put("max over time", y.toDoubleArray());
        out.put("dx", x.grad().toDoubleArray());
        conv.namedParameters().forEach((name, p) -> out.put("gradient of " + name, p.grad().toDoubleArray()));
        return out;
    }

    @Test
    void conv1dForwardAndGradientsMatchTheReference() {
        assumeFalse(device().equals(Device.reference()), "compares this backend with the reference backend");
        record Case(String name, Supplier<Conv1d> make, long[] x, boolean relu) {
        }
        Conv1d.Options o = Conv1d.Options.defaults();
        Case[] cases = {
            new Case("plain 3→5 k=3", () -> new Conv1d(3, 5, 3, new Rng(1)), new long[] {2, 3, 33}, false),
            new Case("stride 2 padding 1", () -> new Conv1d(4, 6, 3, o.stride(2).padding(1), new Rng(2)),
                    new long[] {3, 4, 17}, false),
            new Case("groups 2 dilation 2 no bias", () -> new Conv1d(4, 6, 3, o.groups(2).dilation(2).bias(false),
                    new Rng(3)), new long[] {2, 4, 19}, false),
            new Case("wide k=5 padding 4 relu", () -> new Conv1d(6, 8, 5, o.padding(4), new Rng(4)),
                    new long[] {3, 6, 7}, true),
            new Case("text-CNN 50→16 k=4 relu, 40 words, batch 9", () -> new Conv1d(50, 16, 4, new Rng(5)),
                    new long[] {9, 50, 40}, true)};
        for (Case c : cases) {
            Map<String, double[]> ref = conv1dPass(c.make().get(), Device.reference(), c.x(), c.relu());
            Map<String, double[]> got = conv1dPass(c.make().get(), device(), c.x(), c.relu());
            assertEquals(ref.keySet(), got.keySet());
            ref.forEach((k, v) -> assertNull(CLOSE.mismatches(c.name() + " " + k, v, got.get(k))));
        }
    }

    @Test
    void dynamicKMaxPoolingMatchesTheReference() {
        assumeFalse(device().equals(Device.reference()), "compares this backend with the reference backend");
        for (int layer = 1; layer <= 3; layer++) {
            DynamicKMaxPool pool = new DynamicKMaxPool(layer, 3, 4);
            Map<String, double[]> ref = null;
            for (Device d : new Device[] {Device.reference(), device()}) {
                Tensor x = Fixtures.grid(d, 35, 3, 5, 7, 31).copy().requiresGrad(true); // ties: 7 levels
                Tensor y = pool.forward(x); // [5, 7, k]
                y.mul(Fixtures.uniform(d, 36, -1, 1, y.shape().dims())).sum().backward();
                Map<String, double[]> got = Map.of("output", y.toDoubleArray(), "dx", x.grad().toDoubleArray());
                if (ref == null) {
                    ref = got;
                } else {
                    Map<String, double[]> want = ref;
                    want.forEach((k, v) -> assertNull(Tolerance.EXACT.mismatches(pool + " " + k, v, got.get(k))));
                }
            }
        }
    }

    @Test
    void aFrozenPretrainedEmbeddingGetsNoGradientOnThisBackend() {
        Tensor vectors = Fixtures.uniform(Device.reference(), 33, -1, 1, 7, 4);
        Embedding frozen = Embedding.fromPretrained(vectors, true, 0);
        Embedding tuned = Embedding.fromPretrained(vectors, false, 0);
        frozen.to(device());
        tuned.to(device());
        Tensor ids = Tensor.ofInts(device(), new int[] {1, 0, 3, 6, 3}, 5);
        Tensor w = Fixtures.uniform(device(), 34, -1, 1, 4, 2).requiresGrad(true);
        frozen.forward(ids).matmul(w).sum().backward();
        assertNull(frozen.weight().grad(), "a frozen weight gets no gradient");
        assertTrue(w.grad() != null, "what comes after it does");
        tuned.forward(ids).matmul(w).sum().backward();
        assertEquals(28, tuned.weight().grad().size());
    }

    /**
     * One training step of {@code make}'s model (in training mode, dropout included: each backend draws the same
     * masks from the same seed) on ids [n, l] and labels [n]: the loss and every parameter's gradient on this
     * backend match the reference's.
     */
    protected void assertSameStep(String what, Supplier<Module> make, Tensor ids, Tensor labels) {
        assumeFalse(device().equals(Device.reference()), "compares this backend with the reference backend");
        Map<String, double[]> ref = step(make.get(), Device.reference(), ids, labels);
        Map<String, double[]> got = step(make.get(), device(), ids, labels);
        assertEquals(ref.keySet(), got.keySet());
        ref.forEach((k, v) -> assertNull(CLOSE.mismatches(what + " " + k, v, got.get(k))));
    }

    /** int32 ids [n, l] on the reference: message k has l − 5 − k words in [1, words), then padding 0. */
    protected static Tensor raggedIds(long seed, int n, int l, int words) {
        Rng rng = new Rng(seed);
        int[] ids = new int[n * l];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = i % l < l - 5 - i / l ? 1 + rng.nextInt(words - 1) : 0;
        }
        return Tensor.ofInts(Device.reference(), ids, n, l);
    }

    private static Map<String, double[]> step(Module m, Device d, Tensor ids, Tensor labels) {
        m.to(d);
        m.train();
        Tensor loss = Losses.crossEntropy(m.forward(ids.to(d)), labels.to(d));
        loss.backward();
        Map<String, double[]> out = new LinkedHashMap<>();
        out.put("loss", loss.toDoubleArray());
        m.namedParameters().forEach((name, p) -> {
            if (p.requiresGrad()) {
                out.put("gradient of " + name, p.grad().toDoubleArray());
            }
        });
        return out;
    }
}
