package striate.data;

import java.util.Arrays;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * A batch of variable-length sequences padded to the longest: input ids {@code x} [b, t] int32 (padded steps hold
 * {@link Vocabulary#PAD} = 0), targets {@code y} [b, t] int32 (padded steps hold {@link #IGNORE_INDEX}, PyTorch's
 * -100, which the loss skips), {@code lengths} [b] (each >= 1, the longest = t) and {@code indices}, the examples'
 * indices in their dataset. {@code epoch} and {@code index} place the batch in its pass, as {@link Batch} does.
 */
public record SequenceBatch(Tensor x, Tensor y, int[] lengths, int[] indices, int epoch, int index) {
    /** The target of a padded step: the loss ignores it (PyTorch's CrossEntropyLoss default). */
    public static final int IGNORE_INDEX = -100;

    /** Sequences in this batch. */
    public int size() {
        return lengths.length;
    }

    /** Steps of the padded batch: the longest sequence's length. */
    public int maxLength() {
        return Math.toIntExact(x.dim(1));
    }

    /** Steps that are not padding: the sum of the lengths. */
    public int tokens() {
        int n = 0;
        for (int l : lengths) {
            n += l;
        }
        return n;
    }

    /** Examples {@code indices} of {@code dataset}, padded, as tensors on {@code device}. */
    public static SequenceBatch of(SequenceDataset dataset, int[] indices, Device device, int epoch, int index) {
        int b = indices.length;
        if (b == 0) {
            throw new IllegalArgumentException("a sequence batch needs at least one example");
        }
        int[][] inputs = new int[b][];
        int[][] targets = new int[b][];
        int[] lengths = new int[b];
        int t = 0;
        for (int k = 0; k < b; k++) {
            inputs[k] = dataset.input(indices[k]);
            targets[k] = dataset.target(indices[k]);
            if (inputs[k].length == 0) {
                throw new IllegalArgumentException("sequence " + indices[k] + " of the dataset is empty; every "
                        + "sequence needs at least one step");
            }
            if (targets[k].length != inputs[k].length) {
                throw new IllegalArgumentException("sequence " + indices[k] + " has " + inputs[k].length
                        + " inputs but " + targets[k].length + " targets; a many-to-many sequence has one per step");
            }
            lengths[k] = inputs[k].length;
            t = Math.max(t, lengths[k]);
        }
        int[] x = new int[b * t];                   // [b, t], Vocabulary.PAD = 0 after each sequence
        int[] y = new int[b * t];                   // [b, t]
        Arrays.fill(y, IGNORE_INDEX);
        for (int k = 0; k < b; k++) {
            System.arraycopy(inputs[k], 0, x, k * t, lengths[k]);
            System.arraycopy(targets[k], 0, y, k * t, lengths[k]);
        }
        return new SequenceBatch(Tensor.ofInts(device, x, b, t), Tensor.ofInts(device, y, b, t), lengths,
                indices.clone(), epoch, index);
    }
}
