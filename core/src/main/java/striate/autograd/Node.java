package striate.autograd;

import striate.op.Op;
import striate.tensor.Tensor;

/**
 * One recorded op application: the op, the tensors it read, and their storages' versions then
 * ({@link striate.tensor.Storage#version}), by which backward finds an input written in place since.
 */
public record Node(Op op, Tensor[] inputs, int[] versions) {
    /** A node of {@code op} on {@code inputs} as they are now. */
    public Node(Op op, Tensor[] inputs) {
        this(op, inputs, versionsOf(inputs));
    }

    private static int[] versionsOf(Tensor[] inputs) {
        int[] v = new int[inputs.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = inputs[i].storage().version();
        }
        return v;
    }
}
