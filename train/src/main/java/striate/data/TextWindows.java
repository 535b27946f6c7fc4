package striate.data;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A text cut into windows for truncated backpropagation through time: a fixed number of batches, window k built
 * when asked for, the same windows in the same order every pass ({@link StreamBatches}, {@link DocumentWindows}).
 * Iterating gives the windows in order, each built when the iterator reaches it.
 */
public interface TextWindows extends Iterable<SequenceBatch> {
    /** Windows in a pass. */
    int numBatches();

    /** Window {@code k}, 0 ≤ k < {@link #numBatches()}. */
    SequenceBatch batch(int k);

    @Override
    default Iterator<SequenceBatch> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < numBatches();
            }

            @Override
            public SequenceBatch next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("all " + numBatches() + " windows handed out");
                }
                return batch(next++);
            }
        };
    }
}
