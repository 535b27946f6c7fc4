package striate.nn;

import java.util.Arrays;
import striate.op.EmbeddingOp;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * A lookup table of learned vectors, PyTorch's Embedding: int32 ids [any shape] → y [ids..., embeddingDim], row
 * ids[p] of weight [numEmbeddings, embeddingDim]. Initialized N(0, 1) as in PyTorch; the padding row (when there is
 * one) starts at zero and gets no gradient, so it stays zero. Like PyTorch, a negative paddingIdx counts from the end
 * (−1 is the last row); null names none. {@link #fromPretrained} wraps given vectors (e.g. word2vec's), frozen or
 * trainable.
 */
public final class Embedding extends Module {
    private final long numEmbeddings;
    private final long embeddingDim;
    private final int paddingIdx; // a row in [0, numEmbeddings), or EmbeddingOp.NO_PADDING
    private final Parameter weight;

    /** A table without a padding row. */
    public Embedding(long numEmbeddings, long embeddingDim, Rng rng) {
        this(numEmbeddings, embeddingDim, null, rng);
    }

    /** A table whose row {@code paddingIdx} (null: none; negative: from the end) is zero and stays zero. */
    public Embedding(long numEmbeddings, long embeddingDim, Integer paddingIdx, Rng rng) {
        this(Init.normal(rng, 1, numEmbeddings, embeddingDim), paddingIdx, true, false);
    }

    /** A table holding these vectors, weight [numEmbeddings, embeddingDim] (e.g. converted from PyTorch). */
    public Embedding(Tensor weight, Integer paddingIdx) {
        this(weight, paddingIdx, false, false);
    }

    /**
     * PyTorch's {@code Embedding.from_pretrained(embeddings, freeze, padding_idx)}: a table holding a copy of
     * {@code embeddings} [numEmbeddings, embeddingDim], used as given (the padding row is not zeroed). Frozen, the
     * weight requires no gradient and no optimizer updates it; otherwise it is fine-tuned like any parameter, except
     * the padding row, which gets no gradient.
     */
    public static Embedding fromPretrained(Tensor embeddings, boolean freeze, Integer paddingIdx) {
        return new Embedding(embeddings.detach().copy(), paddingIdx, false, freeze);
    }

    private Embedding(Tensor weight, Integer paddingIdx, boolean zeroPaddingRow, boolean frozen) {
        if (weight.rank() != 2) {
            throw new IllegalArgumentException("Embedding: weight must be [numEmbeddings, embeddingDim], got "
                    + weight.shape());
        }
        this.numEmbeddings = weight.dim(0);
        this.embeddingDim = weight.dim(1);
        this.paddingIdx = row(paddingIdx, numEmbeddings);
        if (zeroPaddingRow && this.paddingIdx != EmbeddingOp.NO_PADDING) {
            double[] v = weight.toDoubleArray();
            int start = Math.toIntExact(this.paddingIdx * embeddingDim);
            Arrays.fill(v, start, Math.toIntExact(start + embeddingDim), 0);
            weight.copyFrom(v);
        }
        this.weight = registerParameter("weight", weight, !frozen);
    }

    /** PyTorch's padding_idx as a row index: negative ones count from the end. */
    private static int row(Integer paddingIdx, long rows) {
        if (paddingIdx == null) {
            return EmbeddingOp.NO_PADDING;
        }
        if (paddingIdx < -rows || paddingIdx >= rows) {
            throw new IllegalArgumentException("Embedding: paddingIdx " + paddingIdx + " is not a row of the " + rows
                    + "-row table; give one in [" + -rows + ", " + rows + ") or null for none");
        }
        return Math.toIntExact(paddingIdx < 0 ? rows + paddingIdx : paddingIdx);
    }

    public Parameter weight() {
        return weight;
    }

    /** The padding row in [0, numEmbeddings), or null when there is none. */
    public Integer paddingIdx() {
        return paddingIdx == EmbeddingOp.NO_PADDING ? null : paddingIdx;
    }

    /** True when the weight is frozen ({@link #fromPretrained} with freeze). */
    public boolean frozen() {
        return !weight.requiresGrad();
    }

    /** ids int32 [any shape] → [ids..., embeddingDim]. */
    @Override
    public Tensor forward(Tensor ids) {
        return Functional.embedding(ids, weight.value(), paddingIdx);
    }

    @Override
    public String toString() {
        return "Embedding(" + numEmbeddings + ", " + embeddingDim
                + (paddingIdx == EmbeddingOp.NO_PADDING ? "" : ", padding_idx=" + paddingIdx)
                + (frozen() ? ", frozen" : "") + ")";
    }
}
