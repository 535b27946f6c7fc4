package striate.train;

import java.util.Iterator;
import java.util.NoSuchElementException;
import striate.data.Batch;
import striate.data.DataLoader;
import striate.data.DocumentWindows;
import striate.data.MessageLoader;
import striate.data.SequenceBatch;
import striate.data.SequenceLoader;
import striate.data.StreamBatches;
import striate.data.TextWindows;

/**
 * The batches a {@link Trainer} runs an epoch over: as many every epoch, in an order that depends on the epoch
 * number alone (so a resumed run sees what an uninterrupted one saw). {@link #of(DataLoader)} gives images,
 * {@link #of(SequenceLoader)} padded sentences, {@link #of(MessageLoader)} padded messages of token ids,
 * {@link #of(TextWindows)} the windows of a stream for truncated backpropagation through time or of whole documents
 * for a language model's evaluation (the same windows every epoch). Batches are made when the trainer asks for them,
 * inside the step's memory scope. The source's owner closes it (a DataLoader's threads); the trainer closes each
 * epoch's iterator.
 */
public interface BatchSource<B> {

    /** One pass over the batches; closing it stops any thread that prepares them. */
    interface Epoch<B> extends Iterator<B>, AutoCloseable {
        @Override
        void close();
    }

    /** Batches per epoch. */
    int numBatches();

    /** The batches of epoch {@code epoch} (from 0). */
    Epoch<B> epoch(int epoch);

    /** Image batches x [b, c, h, w], y [b] from {@code loader}, shuffled as it is built. */
    static BatchSource<Batch> of(DataLoader loader) {
        return new BatchSource<>() {
            @Override
            public int numBatches() {
                return loader.numBatches();
            }

            @Override
            public Epoch<Batch> epoch(int epoch) {
                DataLoader.Batches batches = loader.iterator(epoch);
                return new Epoch<>() {
                    @Override
                    public boolean hasNext() {
                        return batches.hasNext();
                    }

                    @Override
                    public Batch next() {
                        return batches.next();
                    }

                    @Override
                    public void close() {
                        batches.close();
                    }
                };
            }
        };
    }

    /** Padded sentence batches x, y [b, t] with their lengths from {@code loader}. */
    static BatchSource<SequenceBatch> of(SequenceLoader loader) {
        return new BatchSource<>() {
            @Override
            public int numBatches() {
                return loader.numBatches();
            }

            @Override
            public Epoch<SequenceBatch> epoch(int epoch) {
                return over(loader.epoch(epoch).iterator());
            }
        };
    }

    /** Padded message batches x [b, t] int32 ids, y [b] labels from {@code loader}, shuffled from (seed, epoch). */
    static BatchSource<Batch> of(MessageLoader loader) {
        return new BatchSource<>() {
            @Override
            public int numBatches() {
                return loader.numBatches();
            }

            @Override
            public Epoch<Batch> epoch(int epoch) {
                return over(loader.epoch(epoch));
            }
        };
    }

    /**
     * The windows of {@code windows} in order, the same every epoch: a stream's rows continue from window to window
     * ({@link StreamBatches}), whole documents' rows are a shrinking prefix of the previous ({@link DocumentWindows}).
     */
    static BatchSource<SequenceBatch> of(TextWindows windows) {
        return new BatchSource<>() {
            @Override
            public int numBatches() {
                return windows.numBatches();
            }

            @Override
            public Epoch<SequenceBatch> epoch(int epoch) {
                return over(windows.iterator());
            }
        };
    }

    /** An epoch of an iterator that needs no closing. */
    private static <B> Epoch<B> over(Iterator<B> batches) {
        return new Epoch<>() {
            @Override
            public boolean hasNext() {
                return batches.hasNext();
            }

            @Override
            public B next() {
                if (!batches.hasNext()) {
                    throw new NoSuchElementException("the epoch's batches are all handed out");
                }
                return batches.next();
            }

            @Override
            public void close() {
            }
        };
    }
}
