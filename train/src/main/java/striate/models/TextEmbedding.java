package striate.models;

import striate.data.Vocabulary;
import striate.nn.Embedding;
import striate.tensor.DType;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The embedding stage the text classifiers share: a table [words, d] with padding row 0 (N(0, 1), or a copy of a
 * pretrained matrix, frozen or fine-tuned, with its row 0 set to zero), and the lookup of ids [n, l] laid out as
 * Conv1d's channels [n, d, l], padded on the right with id 0 to a minimum length.
 */
final class TextEmbedding {
    private TextEmbedding() {
    }

    /** The table for {@code model}: pretrained [words, d] when given (its row 0 zeroed in the copy), else N(0, 1). */
    static Embedding of(String model, int words, int d, Tensor pretrained, boolean freeze, Rng rng) {
        if (pretrained == null) {
            if (freeze) {
                throw new IllegalArgumentException(model + ": freeze needs pretrained vectors; pass a matrix [" + words
                        + ", " + d + "] or freeze=false");
            }
            return new Embedding(words, d, Vocabulary.PAD, rng);
        }
        if (pretrained.rank() != 2 || pretrained.dim(0) != words || pretrained.dim(1) != d) {
            throw new IllegalArgumentException(model + ": pretrained vectors " + pretrained.shape() + " do not fit the "
                    + "vocabulary and embedding size; give a matrix [" + words + ", " + d + "]");
        }
        Tensor table = pretrained.detach().to(DType.F32).copy(); // [words, d]
        table.slice(0, Vocabulary.PAD, Vocabulary.PAD + 1).copyFrom(new double[d]);
        return Embedding.fromPretrained(table, freeze, Vocabulary.PAD);
    }

    /** ids int32 [n, l] → [n, d, l'] contiguous, l' = max(l, minLength): short batches padded with id 0. */
    static Tensor channels(String model, Embedding embedding, Tensor ids, int minLength) {
        if (ids.rank() != 2 || ids.dtype() != DType.I32) {
            throw new IllegalArgumentException(model + ": word ids must be int32 [batch, length], got " + ids.dtype()
                    + " " + ids.shape());
        }
        if (ids.dim(1) < minLength) {
            ids = ids.pad(new long[] {0, 0}, new long[] {0, minLength - ids.dim(1)}); // [n, minLength], padded with Vocabulary.PAD (0)
        }
        return embedding.forward(ids).permute(0, 2, 1).contiguous(); // [n, d, l]
    }
}
