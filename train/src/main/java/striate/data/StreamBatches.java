package striate.data;

import java.util.Arrays;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * A long stream of ids (a character-level text) cut for truncated backpropagation through time, as PyTorch's
 * word_language_model example does ({@code batchify} and {@code get_batch}), batch-first: the stream, trimmed to a
 * multiple of {@code batchSize}, is split into {@code batchSize} contiguous rows [b, cols] (row r is the r-th
 * slice of the stream); batch k is the window of columns [k·bptt, k·bptt + L) as input {@code x} [b, L] and the
 * same window shifted by one as target {@code y} [b, L], with L = min(bptt, cols − 1 − k·bptt), so the last
 * window may be shorter. Consecutive batches continue each row, which is what lets a model carry its state across
 * them (detached at the boundary). Every batch is a {@link SequenceBatch} whose lengths are all L.
 */
public final class StreamBatches implements TextWindows {
    private final int[] rows;
    private final int batchSize;
    private final int cols;
    private final int bptt;
    private final Device device;

    /** The batches of {@code stream} in {@code batchSize} rows and windows of {@code bptt} steps. */
    public StreamBatches(int[] stream, int batchSize, int bptt, Device device) {
        if (batchSize <= 0 || bptt <= 0) {
            throw new IllegalArgumentException("batch size and bptt must be > 0, got " + batchSize + " and " + bptt);
        }
        if (stream.length / batchSize < 2) {
            throw new IllegalArgumentException("a stream of " + stream.length + " ids is too short for " + batchSize
                    + " rows: each row needs at least 2 ids (an input and its next id); use fewer rows");
        }
        this.batchSize = batchSize;
        this.cols = stream.length / batchSize;
        this.rows = Arrays.copyOf(stream, batchSize * cols);   // [b, cols], the tail dropped
        this.bptt = bptt;
        this.device = device;
    }

    /** Steps per row: stream length / batchSize, rounded down. */
    public int columns() {
        return cols;
    }

    public int batchSize() {
        return batchSize;
    }

    /** Windows per pass: ceil((cols − 1) / bptt). */
    @Override
    public int numBatches() {
        return (cols - 1 + bptt - 1) / bptt;
    }

    /** Window {@code k}: x [b, L] = rows[:, k·bptt, +L), y [b, L] = rows[:, k·bptt + 1, +L). */
    @Override
    public SequenceBatch batch(int k) {
        if (k < 0 || k >= numBatches()) {
            throw new IndexOutOfBoundsException("window " + k + " is outside [0, " + numBatches() + ")");
        }
        int start = k * bptt;
        int len = Math.min(bptt, cols - 1 - start);
        int[] x = new int[batchSize * len];                 // [b, L]
        int[] y = new int[batchSize * len];                 // [b, L]
        int[] lengths = new int[batchSize];
        int[] indices = new int[batchSize];
        for (int r = 0; r < batchSize; r++) {
            System.arraycopy(rows, r * cols + start, x, r * len, len);
            System.arraycopy(rows, r * cols + start + 1, y, r * len, len);
            lengths[r] = len;
            indices[r] = r;
        }
        return new SequenceBatch(Tensor.ofInts(device, x, batchSize, len), Tensor.ofInts(device, y, batchSize, len),
                lengths, indices, 0, k);
    }
}
