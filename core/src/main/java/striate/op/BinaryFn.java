package striate.op;

/**
 * The elementwise functions of {@link BinaryOp}. Comparisons give 1 for true and 0 for false. The last three are
 * activation gradients in one pass, a = dy: GATE passes a where b > 0 and gives 0 elsewhere (ReLU's backward, b its
 * input or output); TANH_BACKWARD is a·(1 − b²) and SIGMOID_BACKWARD a·b·(1 − b), b the activation's output
 * (PyTorch's tanh_backward and sigmoid_backward).
 */
public enum BinaryFn {
    ADD, SUB, MUL, DIV, MAXIMUM, MINIMUM, GREATER, LESS, EQUAL, GATE, TANH_BACKWARD, SIGMOID_BACKWARD;

    /** The function on one pair of values, in double: the definition every backend must match. */
    public double apply(double a, double b) {
        return switch (this) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAXIMUM -> Math.max(a, b);
            case MINIMUM -> Math.min(a, b);
            case GREATER -> a > b ? 1 : 0;
            case LESS -> a < b ? 1 : 0;
            case EQUAL -> a == b ? 1 : 0;
            case GATE -> b > 0 ? a : 0;
            case TANH_BACKWARD -> a * (1 - b * b);
            case SIGMOID_BACKWARD -> a * (b * (1 - b));
        };
    }

    /** True for the comparisons, which have no gradient. */
    public boolean isComparison() {
        return this == GREATER || this == LESS || this == EQUAL;
    }
}
