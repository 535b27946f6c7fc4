package striate.op;

import striate.tensor.Shape;

/**
 * k-max pooling (Kalchbrenner et al., 2014): along {@code axis}, keep the k largest values in their
 * original order. x [..., d, ...] → y [..., k, ...]; ties keep the earlier element.
 */
public record KMaxPoolOp(int axis, int k) implements Op {
    @Override
    public int arity() {
        return 1;
    }

    @Override
    public Shape inferShape(Shape... in) {
        long d = in[0].dim(axis);
        if (k < 1 || k > d) {
            throw mismatch("k = " + k + " for axis " + axis + " of " + in[0], "1 <= k <= " + d);
        }
        return in[0].withDim(axis, k);
    }
}
