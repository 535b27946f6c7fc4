package striate.op;

import striate.tensor.DType;
import striate.tensor.Shape;

/**
 * Concatenation along {@code axis} (PyTorch's cat): {@code count} inputs of one rank and type whose dims agree except
 * along the axis → y with the axis' sizes summed, input i at [start_i, start_i + d_i) of it. Stacks a recurrent
 * layer's steps into one [t, n, h] output (each step reshaped to [1, n, h]) and joins a bidirectional layer's two
 * directions; its gradient is a slice view per input, and autograd gathers the gradients of many slices of one tensor
 * with it.
 */
public record CatOp(int axis, int count) implements Op {
    public CatOp {
        if (count < 1) {
            throw new IllegalArgumentException("CatOp: count must be >= 1, got " + count);
        }
    }

    @Override
    public int arity() {
        return count;
    }

    @Override
    public Shape inferShape(Shape... in) {
        Shape first = in[0];
        int a;
        try {
            a = first.axis(axis);
        } catch (IllegalArgumentException e) {
            throw mismatch("axis " + axis + " for inputs of shape " + first, "an axis of the inputs");
        }
        long total = 0;
        for (Shape s : in) {
            boolean agree = s.rank() == first.rank();
            for (int i = 0; agree && i < s.rank(); i++) {
                agree = i == a || s.dim(i) == first.dim(i);
            }
            if (!agree) {
                throw mismatch("inputs of shapes " + first + " and " + s + " along axis " + axis,
                        "shapes that agree on every other axis");
            }
            total += s.dim(a);
        }
        return first.withDim(a, total);
    }

    @Override
    public DType inferType(DType... in) {
        for (DType t : in) {
            if (t != in[0]) {
                throw new IllegalArgumentException(name() + ": inputs of types " + in[0] + " and " + t
                        + "; cast them to one with tensor.to(dtype)");
            }
        }
        return in[0];
    }
}
