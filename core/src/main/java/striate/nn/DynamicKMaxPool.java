package striate.nn;

import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * Dynamic k-max pooling (Kalchbrenner et al., 2014, https://arxiv.org/abs/1404.2188): k-max pooling along
 * {@code axis} (the last by default: a Conv1d output's length) with k chosen at forward time from that length s:
 * k_l = max(k_top, ⌈(L − l)/L · s⌉) for layer l of L convolutional layers, so the last layer keeps k_top values and
 * earlier ones keep a share of the length. x [..., s, ...] → y [..., k_l, ...]; the kept values stay in order, ties
 * keep the earlier ({@link KMaxPool}). A length shorter than k_l is an error: pad the input.
 */
public final class DynamicKMaxPool extends Module {
    private final int layer;
    private final int totalLayers;
    private final int kTop;
    private final int axis;

    /** Pools along the last axis. */
    public DynamicKMaxPool(int layer, int totalLayers, int kTop) {
        this(layer, totalLayers, kTop, -1);
    }

    public DynamicKMaxPool(int layer, int totalLayers, int kTop, int axis) {
        if (totalLayers < 1 || layer < 1 || layer > totalLayers || kTop < 1) {
            throw new IllegalArgumentException("DynamicKMaxPool: need 1 <= layer <= totalLayers and kTop >= 1, got "
                    + "layer=" + layer + ", totalLayers=" + totalLayers + ", kTop=" + kTop);
        }
        this.layer = layer;
        this.totalLayers = totalLayers;
        this.kTop = kTop;
        this.axis = axis;
    }

    /** k_l = max(k_top, ⌈(L − l)/L · s⌉) for a length s. */
    public static int k(int layer, int totalLayers, int kTop, long s) {
        long share = Math.ceilDiv((long) (totalLayers - layer) * s, totalLayers); // exact: no rounding of (L − l)/L
        return Math.toIntExact(Math.max(kTop, share));
    }

    /** x [..., s, ...] → [..., k_l, ...] along the pooled axis. */
    @Override
    public Tensor forward(Tensor x) {
        if (x.rank() == 0) {
            throw new ShapeMismatchException(toString(), "a scalar input", "a tensor with axis " + axis);
        }
        long s = x.dim(axis);
        int k = k(layer, totalLayers, kTop, s);
        if (s < k) {
            throw new ShapeMismatchException(toString(), "length " + s + " along axis " + axis + " of " + x.shape(),
                    "at least k = " + k + "; pad the input so every pooled length is at least k_top");
        }
        return Functional.kMaxPool(x, axis, k);
    }

    @Override
    public String toString() {
        return "DynamicKMaxPool(layer=" + layer + ", totalLayers=" + totalLayers + ", kTop=" + kTop
                + (axis == -1 ? "" : ", axis=" + axis) + ")";
    }
}
