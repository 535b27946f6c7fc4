package striate.nn;

import striate.tensor.Tensor;

/**
 * Gaussian error linear unit: x·Φ(x) = x·(1 + erf(x/√2))/2, elementwise; any shape. {@code GELU("tanh")} uses the
 * tanh approximation, as PyTorch's {@code GELU(approximate="tanh")}.
 */
public final class GELU extends Module {
    private final boolean tanh;

    /** The exact form (erf), PyTorch's default. */
    public GELU() {
        this("none");
    }

    /** {@code approximate}: "none" (erf) or "tanh", PyTorch's names. */
    public GELU(String approximate) {
        this.tanh = switch (approximate) {
            case "none" -> false;
            case "tanh" -> true;
            default -> throw new IllegalArgumentException("GELU: approximate must be \"none\" or \"tanh\", got \""
                    + approximate + "\"");
        };
    }

    @Override
    public Tensor forward(Tensor x) {
        return Activations.gelu(x, tanh);
    }

    @Override
    public String toString() {
        return tanh ? "GELU(approximate='tanh')" : "GELU(approximate='none')";
    }
}
