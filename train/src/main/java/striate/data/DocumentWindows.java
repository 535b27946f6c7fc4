package striate.data;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * Whole held-out documents cut for a language model that carries its state: one row per document, each from its own
 * start (a zero state), in windows of {@code window} steps that continue each row, so every character after a
 * document's first is predicted from all the characters before it in its document, and from nothing else. Rows are
 * the documents longest first; window k holds, for each document with characters left, x = its characters
 * [k·W, k·W + L) and y = [k·W + 1, k·W + 1 + L) with L = min(W, length − 1 − k·W), padded to the longest row with
 * x 0 and y {@link SequenceBatch#IGNORE_INDEX}. Documents end in order, so window k + 1's rows are the first rows of
 * window k: a model keeps the first rows of its state. Every batch's {@code indices} are the documents' positions in
 * the list given. A document of fewer than 2 characters predicts nothing and is left out.
 */
public final class DocumentWindows implements TextWindows {
    private final int[][] rows;     // the documents, longest first
    private final int[] documents;  // rows[r] is document documents[r] of the list given
    private final int window;
    private final Device device;

    public DocumentWindows(List<int[]> texts, int window, Device device) {
        if (window <= 0) {
            throw new IllegalArgumentException("the window must be > 0 steps, got " + window);
        }
        this.documents = IntStream.range(0, texts.size()).filter(d -> texts.get(d).length >= 2).boxed()
                .sorted(Comparator.comparingInt((Integer d) -> -texts.get(d).length).thenComparingInt(d -> d))
                .mapToInt(Integer::intValue).toArray();
        this.rows = Arrays.stream(documents).mapToObj(d -> texts.get(d).clone()).toArray(int[][]::new);
        this.window = window;
        this.device = device;
    }

    /** Windows in a pass: ceil((longest − 1) / window), 0 without documents of 2 characters or more. */
    @Override
    public int numBatches() {
        return rows.length == 0 ? 0 : (rows[0].length - 1 + window - 1) / window;
    }

    /** Characters predicted in a pass: each document's length − 1. */
    public long characters() {
        return Arrays.stream(rows).mapToLong(r -> r.length - 1).sum();
    }

    /** Documents in the pass (those of at least 2 characters). */
    public int documents() {
        return rows.length;
    }

    /** Window {@code k}: x, y [a, L] for the a documents with characters left to predict, L the first's length. */
    @Override
    public SequenceBatch batch(int k) {
        if (k < 0 || k >= numBatches()) {
            throw new IndexOutOfBoundsException("window " + k + " is outside [0, " + numBatches() + ")");
        }
        int start = k * window;
        int a = 0;
        while (a < rows.length && rows[a].length - 1 > start) {
            a++;
        }
        int t = Math.min(window, rows[0].length - 1 - start);
        int[] x = new int[a * t];                       // [a, t], 0 after each row's length
        int[] y = new int[a * t];                       // [a, t], IGNORE_INDEX after each row's length
        Arrays.fill(y, SequenceBatch.IGNORE_INDEX);
        int[] lengths = new int[a];
        for (int r = 0; r < a; r++) {
            lengths[r] = Math.min(window, rows[r].length - 1 - start);
            System.arraycopy(rows[r], start, x, r * t, lengths[r]);
            System.arraycopy(rows[r], start + 1, y, r * t, lengths[r]);
        }
        return new SequenceBatch(Tensor.ofInts(device, x, a, t), Tensor.ofInts(device, y, a, t), lengths,
                Arrays.copyOf(documents, a), 0, k);
    }
}
