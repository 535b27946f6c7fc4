package striate.text;

import java.util.ArrayList;
import java.util.List;

/**
 * Nearest words by cosine similarity, as the original tool's distance.c and word-analogy.c find them: every vector
 * is scaled to length 1 once, a query vector is built and scaled the same way, and the words with the largest dot
 * product with it win, the query's own words left out. {@link #similar} queries one word's vector;
 * {@link #analogy} "a is to b as c is to ?" queries b − a + c. A zero vector stays zero (similarity 0 to all).
 */
public final class Neighbours {
    /** One answer: the word and its cosine similarity to the query. */
    public record Neighbour(String word, float similarity) {
    }

    private final WordVectors vectors;
    private final float[] unit; // [size, dim] rows of length 1
    private final int dim;

    public Neighbours(WordVectors vectors) {
        this.vectors = vectors;
        this.dim = vectors.dimension();
        this.unit = vectors.values();
        for (int i = 0; i < vectors.size(); i++) {
            normalize(unit, i * dim, dim);
        }
    }

    /** The {@code top} words nearest to {@code word}, nearest first. */
    public List<Neighbour> similar(String word, int top) {
        int w = id(word);
        float[] query = new float[dim];
        System.arraycopy(unit, w * dim, query, 0, dim);
        return nearest(query, top, w);
    }

    /** The {@code top} answers to "a is to b as c is to ?": the words nearest to b − a + c, a, b, c left out. */
    public List<Neighbour> analogy(String a, String b, String c, int top) {
        int ia = id(a);
        int ib = id(b);
        int ic = id(c);
        float[] query = new float[dim];
        for (int j = 0; j < dim; j++) {
            query[j] = unit[ib * dim + j] - unit[ia * dim + j] + unit[ic * dim + j];
        }
        normalize(query, 0, dim);
        return nearest(query, top, ia, ib, ic);
    }

    private int id(String word) {
        int w = vectors.indexOf(word);
        if (w < 0) {
            throw new IllegalArgumentException("'" + word + "' is not in the vocabulary of the vectors ("
                    + vectors.size() + " words); check its spelling and case (vectors trained on lowercased text "
                    + "hold lowercase words)");
        }
        return w;
    }

    private List<Neighbour> nearest(float[] query, int top, int... excluded) {
        if (top < 1) {
            throw new IllegalArgumentException("top must be >= 1, got " + top);
        }
        int[] best = new int[top];
        float[] score = new float[top];
        int found = 0;
        for (int i = 0; i < vectors.size(); i++) {
            if (contains(excluded, i)) {
                continue;
            }
            float s = 0;
            for (int j = 0; j < dim; j++) {
                s += query[j] * unit[i * dim + j];
            }
            if (found == top && s <= score[top - 1]) {
                continue;
            }
            int k = found < top ? found++ : top - 1;
            while (k > 0 && score[k - 1] < s) {
                best[k] = best[k - 1];
                score[k] = score[k - 1];
                k--;
            }
            best[k] = i;
            score[k] = s;
        }
        List<Neighbour> out = new ArrayList<>(found);
        for (int k = 0; k < found; k++) {
            out.add(new Neighbour(vectors.words().get(best[k]), score[k]));
        }
        return out;
    }

    private static boolean contains(int[] ids, int i) {
        for (int id : ids) {
            if (id == i) {
                return true;
            }
        }
        return false;
    }

    private static void normalize(float[] x, int at, int n) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += (double) x[at + j] * x[at + j];
        }
        if (sum > 0) {
            float inverse = (float) (1 / Math.sqrt(sum));
            for (int j = 0; j < n; j++) {
                x[at + j] *= inverse;
            }
        }
    }
}
