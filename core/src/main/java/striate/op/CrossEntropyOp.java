package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Per-sample cross-entropy from logits, fused with log-softmax for stability:
 * (logits [n, c], target int32 [n] with values in [0, c)) → loss [n], loss_i = −log softmax(logits_i)[target_i].
 * A target equal to {@code ignoreIndex} (PyTorch's ignore_index, e.g. −100 for padded positions) gives loss 0 and
 * no gradient; {@link #NO_IGNORE} (the no-argument form) ignores none, so every target must be a class index.
 */
public record CrossEntropyOp(int ignoreIndex) implements Op {
    /** The ignoreIndex that ignores no target. */
    public static final int NO_IGNORE = Integer.MIN_VALUE;

    /** Cross-entropy where every target must be a class index. */
    public CrossEntropyOp() {
        this(NO_IGNORE);
    }

    @Override
    public int arity() {
        return 2;
    }

    @Override
    public Shape inferShape(Shape... in) {
        return check(this, in[0], in[1]);
    }

    @Override
    public String name() {
        return ignoreIndex == NO_IGNORE ? "CrossEntropyOp" : "CrossEntropyOp(ignore " + ignoreIndex + ")";
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
        return checkTypes(this, in);
    }

    static DType checkTypes(Op op, DType[] in) {
        op.requireFloating(in[0], "logits");
        if (in[1] != DType.I32) {
            throw new IllegalArgumentException(op.name() + ": target must hold int32 class indices, got " + in[1]);
        }
        return in[0];
    }

    /** True when {@code target} is the ignored index: its row gets loss 0 and no gradient. */
    public boolean ignores(int target) {
        return ignoreIndex != NO_IGNORE && target == ignoreIndex;
    }

    /**
     * The target's class indices, each checked to lie in [0, classes) or to be the ignored index: what the host
     * kernels read (element access, in place in host memory: a kernel's read is not a copy between memories).
     */
    public int[] classIndices(Tensor target, int classes) {
        double[] values = target.toDoubleArray();
        int[] t = new int[values.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = (int) values[i];
            if ((t[i] < 0 || t[i] >= classes) && !ignores(t[i])) {
                throw outOfRange(i, t[i], classes);
            }
        }
        return t;
    }

    /** The error for {@code target[row] = value}, outside [0, classes) and not ignored. */
    public IllegalArgumentException outOfRange(int row, int value, int classes) {
        return new IllegalArgumentException("CrossEntropyOp: target[" + row + "] = " + value
                + " is not a class index in [0, " + classes + ")"
                + (ignoreIndex == NO_IGNORE ? "" : " nor the ignored index " + ignoreIndex));
    }
}
