package striate.data;

import striate.tensor.Tensor;

/** One batch from a {@link DataLoader}: images {@code x} [b, c, h, w] float32, labels {@code y} [b] int32. */
public record Batch(Tensor x, Tensor y, int epoch, int index) {

    /** Examples in this batch (the last batch of an epoch may be smaller than the batch size). */
    public int size() {
        return Math.toIntExact(y.dim(0));
    }
}
