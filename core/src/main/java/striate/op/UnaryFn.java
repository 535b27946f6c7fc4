package striate.op;

/**
 * The elementwise functions of {@link UnaryOp}. STEP is 1 where x > 0, else 0 (the perceptron's threshold). RELU is
 * 0 where x ≤ 0, else x, NaN included (as PyTorch's relu), so NaN weights before a ReLU make the loss NaN. ERF is the
 * error function ({@link Erf}; GELU's); LOG1P is log(1 + x), exact for small x (softplus's).
 */
public enum UnaryFn {
    NEG, EXP, LOG, SQRT, ABS, SIGN, STEP, SIGMOID, TANH, RELU, ERF, LOG1P;

    /** The function on one value, in double: the definition every backend must match. */
    public double apply(double x) {
        return switch (this) {
            case NEG -> -x;
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case ABS -> Math.abs(x);
            case SIGN -> Math.signum(x);
            case STEP -> x > 0 ? 1 : 0;
            case SIGMOID -> x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
            case TANH -> Math.tanh(x);
            case RELU -> x <= 0 ? 0 : x;
            case ERF -> Erf.of(x);
            case LOG1P -> Math.log1p(x);
        };
    }
}
