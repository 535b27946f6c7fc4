package striate.op;

/**
 * Ops that change only the view of storage (shape, strides, offset) and never touch data. They are
 * executed by the tensor itself, need no kernel, and are recorded for autograd like any other op.
 */
public sealed interface ViewOp extends Op permits ReshapeOp, PermuteOp, ExpandOp, SliceOp {
    @Override
    default int arity() {
        return 1;
    }
}
