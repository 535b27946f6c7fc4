package striate.data;

/**
 * A fixed-size collection of variable-length sequences of ids with one target per step (many-to-many: a tagger's
 * word ids and tag ids). {@link SequenceLoader} pads them into batches. Every sequence has at least one step, and
 * its target has the same length as its input.
 */
public interface SequenceDataset {

    /** Number of sequences. */
    int size();

    /** Sequence {@code i}'s input ids, [length]. */
    int[] input(int i);

    /** Sequence {@code i}'s target ids, [length]. */
    int[] target(int i);

    /** Steps of sequence {@code i}. */
    default int length(int i) {
        return input(i).length;
    }
}
