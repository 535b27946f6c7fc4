package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * Gradient of {@link LstmCellOp}, fused: (dhc [2, n, h] = (dh', dc'), gates [n, 4h], c [n, h]) → [n·5h]: dgates
 * [n, 4h] (elements [0, 4nh)) then dc [n, h] (elements [4nh, 5nh)), laid end to end so both are contiguous views
 * (a [n, 5h] layout would make dgates a strided view for the products that consume it). The activations are
 * recomputed from the gates, which autograd keeps as the forward's input anyway, so the forward saves nothing more.
 */
public record LstmCellBackwardOp() implements Op {
    @Override
    public int arity() {
        return 3;
    }

    @Override
    public Shape inferShape(Shape... in) {
        long[] nh = LstmCellOp.check(this, in[1], in[2]);
        if (!in[0].equals(Shape.of(2, nh[0], nh[1]))) {
            throw mismatch("dhc " + in[0], "dhc of the forward output's shape [2, " + nh[0] + ", " + nh[1] + "]");
        }
        return Shape.of(5 * nh[0] * nh[1]);
    }

    @Override
    public DType inferType(DType... in) {
        return LstmCellOp.sameFloating(this, in, "dhc", "gates", "c");
    }
}
