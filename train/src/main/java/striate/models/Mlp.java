package striate.models;

import java.util.Arrays;
import java.util.function.Supplier;
import striate.nn.Linear;
import striate.nn.Module;
import striate.nn.ReLU;
import striate.nn.Sequential;
import striate.nn.Sigmoid;
import striate.nn.Tanh;
import striate.tensor.DType;
import striate.tensor.Rng;

/**
 * A multilayer perceptron: Linear layers of the given sizes (e.g. 2-4-1), an activation after each hidden
 * layer and another after the output layer. x [n, sizes[0]] → y [n, sizes[last]]. Weights and biases use
 * PyTorch's Linear initialization from a seeded {@link Rng}, in the requested float type. It is a Sequential,
 * so parameters are named "0.weight", "0.bias", "2.weight", ... (Linear, activation, Linear, ...).
 * Rumelhart, Hinton &amp; Williams, "Learning representations by back-propagating errors" (1986).
 */
public final class Mlp extends Sequential {
    /** The nonlinearity after a layer; IDENTITY adds none. */
    public enum Activation {
        SIGMOID(Sigmoid::new), TANH(Tanh::new), RELU(ReLU::new), IDENTITY(null);

        private final Supplier<Module> factory;

        Activation(Supplier<Module> factory) {
            this.factory = factory;
        }
    }

    private final long[] sizes;

    /**
     * An MLP with layer widths {@code sizes} (at least input and output), {@code hidden} after each hidden
     * layer and {@code output} after the last, with parameters of type {@code dtype}.
     */
    public Mlp(Rng rng, DType dtype, Activation hidden, Activation output, long... sizes) {
        if (sizes.length < 2 || Arrays.stream(sizes).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("Mlp: need at least two positive layer sizes, got "
                    + Arrays.toString(sizes));
        }
        this.sizes = sizes.clone();
        for (int i = 0; i + 1 < sizes.length; i++) {
            Linear init = new Linear(sizes[i], sizes[i + 1], rng);
            add(new Linear(init.weight().value().to(dtype), init.bias().value().to(dtype)));
            Activation a = i + 2 == sizes.length ? output : hidden;
            if (a.factory != null) {
                add(a.factory.get());
            }
        }
    }

    /** The layer widths, input first. */
    public long[] sizes() {
        return sizes.clone();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Mlp(");
        for (int i = 0; i < sizes.length; i++) {
            sb.append(i == 0 ? "" : "-").append(sizes[i]);
        }
        return sb.append(")").toString();
    }
}
