package striate.autograd;

import striate.op.Op;
import striate.tensor.Tensor;

/** One recorded op application: the op and the tensors it read. Its output tensor points here. */
public record Node(Op op, Tensor[] inputs) {
}
