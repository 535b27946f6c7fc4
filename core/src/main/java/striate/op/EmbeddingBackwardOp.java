package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * Gradient of {@link EmbeddingOp} with respect to the weight (PyTorch's embedding_dense_backward): (dy [ids..., d],
 * ids int32) → dweight [numWeights, d], dweight[r] = Σ dy[p] over the positions p with ids[p] = r, summed in position
 * order; the row {@code paddingIdx} (−1: none) and rows no id names are zero.
 */
public record EmbeddingBackwardOp(long numWeights, int paddingIdx) implements Op {
    @Override
    public int arity() {
        return 2;
    }

    @Override
    public Shape inferShape(Shape... in) {
        Shape dy = in[0];
        Shape ids = in[1];
        if (numWeights < 1) {
            throw mismatch("numWeights " + numWeights, "at least one row");
        }
        EmbeddingOp.checkPadding(this, paddingIdx, numWeights);
        boolean leading = dy.rank() == ids.rank() + 1;
        for (int a = 0; leading && a < ids.rank(); a++) {
            leading = dy.dim(a) == ids.dim(a);
        }
        if (!leading) {
            throw mismatch("dy " + dy + " for ids " + ids, "dy of shape [ids..., d]");
        }
        return Shape.of(numWeights, dy.dim(-1));
    }

    @Override
    public DType inferType(DType... in) {
        requireFloating(in[0], "dy");
        EmbeddingOp.requireIds(this, in[1]);
        return in[0];
    }
}
