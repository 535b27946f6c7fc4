package striate.train;

import striate.autograd.GradMode;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * Counts a batch's right predictions on the logits' device, with no read to the host (for graphed steps, where a read
 * cannot happen): a row is right when the first index of its largest logit is its label, as {@link Metrics#argmax}
 * decides. The first maximum is found without an argmax op: each class's score is its rank by index (c for class 0
 * down to 1 for the last) where the row reaches its maximum, 0 elsewhere; the largest score names the first maximum.
 */
final class CorrectCount {
    private final int classes;
    private final Tensor ranks; // [c]: c, c − 1, ..., 1

    int classes() {
        return classes;
    }

    Device device() {
        return ranks.device();
    }

    /** For logits of {@code classes} columns on {@code device}; its constant is made here, outside every scope. */
    CorrectCount(Device device, int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("a classifier needs at least one class, got " + classes);
        }
        this.classes = classes;
        float[] r = new float[classes];
        for (int j = 0; j < classes; j++) {
            r[j] = classes - j;
        }
        this.ranks = MemoryScope.outside(() -> Tensor.of(device, r, classes));
    }

    /** logits [n, c] (float), labels [n] (int32) → a float32 scalar: how many rows were predicted right. */
    Tensor of(Tensor logits, Tensor labels) {
        if (logits.rank() != 2 || logits.dim(1) != classes) {
            throw new IllegalArgumentException("expected logits of shape [n, " + classes + "], got " + logits.shape());
        }
        try (GradMode.Scope off = GradMode.off()) {
            Tensor z = logits.to(DType.F32);
            Tensor first = z.eq(z.max(1, true)).mul(ranks).max(1, false); // [n]: c − index of the first maximum
            Tensor predicted = first.affine(-1, classes);                  // [n]: that index
            return predicted.eq(labels.to(DType.F32)).sum();
        }
    }
}
