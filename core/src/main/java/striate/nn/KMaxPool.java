package striate.nn;

import striate.tensor.Tensor;

/**
 * k-max pooling (Kalchbrenner et al., 2014): keeps the k largest values along {@code axis} in their original
 * order, x [..., d, ...] → y [..., k, ...]. No PyTorch counterpart; named after the paper.
 */
public final class KMaxPool extends Module {
    private final int axis;
    private final int k;

    public KMaxPool(int axis, int k) {
        if (k < 1) {
            throw new IllegalArgumentException("KMaxPool: k must be >= 1, got " + k);
        }
        this.axis = axis;
        this.k = k;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Functional.kMaxPool(x, axis, k);
    }

    @Override
    public String toString() {
        return "KMaxPool(axis=" + axis + ", k=" + k + ")";
    }
}
