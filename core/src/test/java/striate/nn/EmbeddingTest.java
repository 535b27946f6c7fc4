package striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.optim.Adam;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Embedding as PyTorch's: N(0, 1) initialization, a padding row that starts at zero and stays there through training,
 * negative padding indices from the end, lookups of any id shape, gradients that add up over repeated ids; and
 * from_pretrained's: a copy of the given vectors, frozen (bit-identical after training steps) or fine-tuned.
 */
class EmbeddingTest {
    private static final Device REF = Device.reference();

    @Test
    void startsStandardNormalWithAZeroPaddingRow() {
        Embedding e = new Embedding(500, 20, 3, new Rng(1));
        double[] w = e.weight().value().toDoubleArray();
        assertEquals(Shape.of(500, 20), e.weight().value().shape());
        for (int j = 0; j < 20; j++) {
            assertEquals(0.0, w[3 * 20 + j], "the padding row is zero");
        }
        double mean = Arrays.stream(w).average().orElseThrow();
        double var = Arrays.stream(w).map(v -> (v - mean) * (v - mean)).average().orElseThrow();
        assertEquals(0, mean, 0.05, "mean of N(0, 1) over 10,000 values");
        assertEquals(1, var, 0.05, "variance of N(0, 1) over 10,000 values");
        assertEquals(Map.of("weight", e.weight()), e.namedParameters());
        assertEquals("Embedding(500, 20, padding_idx=3)", e.toString());
    }

    @Test
    void negativePaddingIndexCountsFromTheEnd() {
        Embedding e = new Embedding(10, 3, -1, new Rng(2));
        assertEquals(9, e.paddingIdx());
        assertEquals("Embedding(10, 3, padding_idx=9)", e.toString());
        assertArrayEquals(new double[3], e.weight().value().slice(0, 9, 10).toDoubleArray());
        assertNull(new Embedding(10, 3, new Rng(2)).paddingIdx());
        assertEquals("Embedding(10, 3)", new Embedding(10, 3, new Rng(2)).toString());
    }

    @Test
    void looksUpRowsForIdsOfAnyShape() {
        Tensor w = Tensor.of(REF, DType.F32, new double[] {0, 0, 1, 2, 3, 4, 5, 6}, 4, 2);
        Embedding e = new Embedding(w, 0);
        Tensor y = e.forward(Tensor.ofInts(REF, new int[] {3, 1, 0, 2, 3, 3}, 2, 3)); // [b, t] → [b, t, d]
        assertEquals(Shape.of(2, 3, 2), y.shape());
        assertArrayEquals(new double[] {5, 6, 1, 2, 0, 0, 3, 4, 5, 6, 5, 6}, y.toDoubleArray());
    }

    @Test
    void repeatedIdsAddTheirGradientsAndThePaddingRowStaysZero() {
        Embedding e = new Embedding(5, 2, 0, new Rng(3));
        Optimizer opt = Sgd.builder(e.namedParameters()).lr(0.5).build();
        Tensor ids = Tensor.ofInts(REF, new int[] {2, 0, 2, 4, 2, 0}, 6);
        Tensor r = Tensor.of(REF, DType.F32, new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 6, 2);
        e.forward(ids).mul(r).sum().backward();
        // Row 2 is read at positions 0, 2 and 4: (1 + 5 + 9, 2 + 6 + 10); row 4 at 3; rows 1 and 3 never; row 0 pads.
        assertArrayEquals(new double[] {0, 0, 0, 0, 15, 18, 0, 0, 7, 8}, e.weight().grad().toDoubleArray());
        opt.step();
        assertArrayEquals(new double[] {0, 0}, e.weight().value().slice(0, 0, 1).toDoubleArray(),
                "the padding row is still zero after a step");
    }

    @Test
    void badArgumentsAreOneClearError() {
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> new Embedding(10, 3, 10, new Rng(1)));
        assertTrue(range.getMessage().contains("paddingIdx 10 is not a row of the 10-row table"), range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Embedding(10, 3, -11, new Rng(1)));
        IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
                () -> new Embedding(Tensor.zeros(REF, DType.F32, 10), null));
        assertTrue(rank.getMessage().contains("[numEmbeddings, embeddingDim]"), rank.getMessage());
        Embedding e = new Embedding(4, 2, new Rng(1));
        IllegalArgumentException id = assertThrows(IllegalArgumentException.class,
                () -> e.forward(Tensor.ofInts(REF, new int[] {1, 4}, 2)));
        assertTrue(id.getMessage().contains("ids[1] = 4"), id.getMessage());
    }

    /** Five Adam steps (with weight decay, which would move even a zero-gradient weight) of embedding → linear. */
    private static void train(Embedding e, Linear out) {
        Map<String, Parameter> params = new java.util.LinkedHashMap<>();
        params.put("embedding.weight", e.weight());
        params.put("out.weight", out.weight());
        Optimizer opt = Adam.builder(params).lr(0.1).weightDecay(0.01).build();
        Tensor ids = Tensor.ofInts(REF, new int[] {1, 2, 0, 3, 3, 1}, 6);
        Tensor target = Tensor.ofInts(REF, new int[] {0, 1, 0, 1, 1, 0}, 6);
        for (int step = 0; step < 5; step++) {
            opt.zeroGrad();
            Losses.crossEntropy(out.forward(e.forward(ids)), target).backward();
            if (e.frozen()) {
                assertNull(e.weight().grad(), "backward fills no gradient of a frozen weight");
                e.weight().value().setGrad(Tensor.ones(REF, DType.F32, 4, 3)); // as a data-parallel replica would
            }
            opt.step();
        }
    }

    @Test
    void fromPretrainedFrozenStaysBitIdenticalWhileFineTunedChanges() {
        float[] vectors = {0, 0, 0, /* 1 */ 0.5f, -1, 2, /* 2 */ 1, 1, -0.25f, /* 3 */ -2, 0.75f, 0.1f};
        Tensor source = Tensor.of(REF, vectors, 4, 3);
        Embedding frozen = Embedding.fromPretrained(source, true, 0);
        Embedding tuned = Embedding.fromPretrained(source, false, 0);
        source.copyFrom(new double[12]);
        assertArrayEquals(vectors, frozen.weight().value().toFloatArray(), "a copy of the vectors, not a view");
        assertTrue(frozen.frozen());
        assertTrue(!frozen.weight().requiresGrad() && !frozen.weight().value().requiresGrad());
        assertTrue(tuned.weight().requiresGrad());
        assertEquals("Embedding(4, 3, padding_idx=0, frozen)", frozen.toString());
        assertEquals(0, frozen.paddingIdx());

        Linear frozenOut = new Linear(3, 2, new Rng(5));
        Linear tunedOut = new Linear(3, 2, new Rng(5));
        float[] before = frozenOut.weight().value().toFloatArray();
        train(frozen, frozenOut);
        train(tuned, tunedOut);
        assertArrayEquals(vectors, frozen.weight().value().toFloatArray(), "frozen: bit-identical after 5 steps");
        assertTrue(!Arrays.equals(before, frozenOut.weight().value().toFloatArray()), "the layer after it trains");
        float[] t = tuned.weight().value().toFloatArray();
        assertTrue(!Arrays.equals(vectors, t), "fine-tuned: the vectors move");
        for (int i = 3; i < 12; i++) {
            assertTrue(t[i] != vectors[i], "row " + i / 3 + " was looked up and trained, value " + i % 3);
        }
        assertArrayEquals(new float[] {0, 0, 0}, Arrays.copyOf(t, 3), "the padding row gets no gradient");
    }
}
