package striate.autograd;

import striate.op.Op;
import striate.tensor.Tensor;

/**
 * One recorded op application: the op, the tensors it read, and the versions then of their storages and of the
 * output's ({@link striate.tensor.Storage#version}), by which backward finds a value written in place since.
 */
public record Node(Op op, Tensor[] inputs, int[] versions, int outputVersion) {
    /** A node of {@code op} on {@code inputs}, which gave {@code output}, as they are now. */
    public Node(Op op, Tensor[] inputs, Tensor output) {
        this(op, inputs, versionsOf(inputs), output.storage().version());
    }

    private static int[] versionsOf(Tensor[] inputs) {
        int[] v = new int[inputs.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = inputs[i].storage().version();
        }
        return v;
    }
}
