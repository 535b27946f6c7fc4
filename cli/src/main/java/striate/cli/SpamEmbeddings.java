package striate.cli;

import java.io.IOException;
import java.nio.file.Path;
import striate.data.DataFileException;
import striate.data.Vocabulary;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.text.WordVectors;

/**
 * The starting embedding [V, d] of the spam text-CNNs: every row uniform in [-0.25, 0.25] (Kim 2014's rule for words
 * without a pretrained vector; the PyTorch peer draws the same distribution), drawn from the run's seed, then, with a
 * word2vec vector file, the vectors of the vocabulary's words found in it; the padding row is zero. {@link #found}
 * says how many words took a vector.
 */
record SpamEmbeddings(Tensor weight, int found, int words) {
    static final double BOUND = 0.25;

    /** Random rows for the whole vocabulary. */
    static SpamEmbeddings random(Vocabulary vocabulary, int d, long seed) {
        return new SpamEmbeddings(Tensor.of(Device.reference(), table(vocabulary.size(), d, seed), vocabulary.size(),
                d), 0, vocabulary.size() - 2);
    }

    /**
     * Random rows, then the vectors of {@code file} (word2vec's text or binary format) for the words it holds. A
     * file whose vectors are not {@code d} long is an error naming the file and both sizes.
     */
    static SpamEmbeddings fromFile(Path file, Vocabulary vocabulary, int d, long seed) throws IOException {
        WordVectors vectors = WordVectors.read(file);
        if (vectors.dimension() != d) {
            throw new DataFileException(file, "holds vectors of dimension " + vectors.dimension() + " but "
                    + "--embedding-dim is " + d + "; give --embedding-dim " + vectors.dimension() + " or a vector file of "
                    + "dimension " + d);
        }
        float[] w = table(vocabulary.size(), d, seed);  // [V, d]
        int found = 0;
        for (int id = 2; id < vocabulary.size(); id++) {
            int k = vectors.indexOf(vocabulary.token(id));
            if (k >= 0) {
                System.arraycopy(vectors.vector(k), 0, w, id * d, d);
                found++;
            }
        }
        return new SpamEmbeddings(Tensor.of(Device.reference(), w, vocabulary.size(), d), found,
                vocabulary.size() - 2);
    }

    private static float[] table(int v, int d, long seed) {
        Rng rng = new Rng(seed ^ 0x5EEDE3BL);  // a stream of its own, apart from the model's initialization
        float[] w = new float[v * d];  // [V, d]
        for (int i = d; i < w.length; i++) {  // row 0, the padding row, stays zero
            w[i] = (float) ((rng.nextDouble() * 2 - 1) * BOUND);
        }
        return w;
    }
}
