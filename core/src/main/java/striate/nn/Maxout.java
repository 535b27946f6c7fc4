package striate.nn;

import striate.tensor.Tensor;

/**
 * Maxout (Goodfellow et al., 2013) over channels: x [n, c·pieces, ...] → y [n, c, ...], each output channel the
 * max of {@code pieces} consecutive input channels. Put it after a Linear or Conv2d with pieces times the
 * channels wanted.
 */
public final class Maxout extends Module {
    private final int pieces;

    public Maxout(int pieces) {
        if (pieces < 1) {
            throw new IllegalArgumentException("Maxout: pieces must be >= 1, got " + pieces);
        }
        this.pieces = pieces;
    }

    public int pieces() {
        return pieces;
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.maxout(x, pieces);
    }

    @Override
    public String toString() {
        return "Maxout(" + pieces + ")";
    }
}
