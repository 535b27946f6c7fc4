package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Per-sample cross-entropy from logits, fused with log-softmax for stability:
 * (logits [n, c], target int32 [n] with values in [0, c)) → loss [n], loss_i = −log softmax(logits_i)[target_i].
 */
public record CrossEntropyOp() implements Op {
    @Override
    public int arity() {
        return 2;
    }

    @Override
    public Shape inferShape(Shape... in) {
        return check(this, in[0], in[1]);
    }

    static Shape check(Op op, Shape logits, Shape target) {
        op.requireRank(logits, 2, "logits [n, c]");
        op.requireRank(target, 1, "target [n]");
        if (target.dim(0) != logits.dim(0)) {
            throw op.mismatch("logits " + logits + " and target " + target, "one target per row of logits");
        }
        return Shape.of(logits.dim(0));
    }

    @Override
    public DType inferType(DType... in) {
        requireFloating(in[0], "logits");
        if (in[1] != DType.I32) {
            throw new IllegalArgumentException(name() + ": target must hold int32 class indices, got " + in[1]);
        }
        return in[0];
    }

    /**
     * The target's class indices, each checked to lie in [0, classes): what the host kernels read (element access,
     * in place in host memory: a kernel's read is not a copy between memories).
     */
    public static int[] classIndices(Tensor target, int classes) {
        double[] values = target.toDoubleArray();
        int[] t = new int[values.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = (int) values[i];
            if (t[i] < 0 || t[i] >= classes) {
                throw new IllegalArgumentException("CrossEntropyOp: target[" + i + "] = " + t[i]
                        + " is not a class index in [0, " + classes + ")");
            }
        }
        return t;
    }
}
