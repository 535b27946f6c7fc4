package striate.cli;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import striate.models.AlexNet;
import striate.models.LeNet5;
import striate.nn.Linear;
import striate.nn.Module;
import striate.nn.Sequential;
import striate.nn.Sigmoid;
import striate.nn.Tanh;
import striate.tensor.Rng;
import striate.tensor.Shape;

/**
 * The models the command line can build by name ({@code striate summary <model>}). This is the extension
 * point: register a factory below for each model of {@code striate.models} (LeNet-5, AlexNet, ...) as it
 * lands; commands only ever see names, descriptions and fresh modules. Factories are seeded, so a model's
 * initial weights are the same on every run.
 */
public final class Models {
    /**
     * A buildable model: its name on the command line, one line about it, its example input for a configuration
     * (a batch of one), and a factory from a configuration string (empty for the defaults; checkpoints store the
     * string so evaluate/predict rebuild the same model).
     */
    public record Entry(String name, String description, Function<String, Shape> input,
                        Function<String, Module> factory) {
        /** The model with this configuration ("" for the defaults). */
        public Module create(String config) {
            return factory.apply(config);
        }

        /** An example input [1, c, h, w] for this configuration. */
        public Shape input(String config) {
            return input.apply(config);
        }
    }

    private static final Map<String, Entry> BY_NAME = new LinkedHashMap<>();

    static {
        register(LeNet5.NAME, "LeNet-5 for 28x28 images (ReLU, max pooling by default; 61,706 parameters)",
                config -> Shape.of(1, 1, 28, 28),
                config -> new LeNet5(config.isEmpty() ? LeNet5.Config.defaults() : LeNet5.Config.parse(config), 42));
        register(AlexNet.NAME, "AlexNet for 224x224 RGB images, 1,000 classes (the paper's grouped layout, 60,965,224 "
                + "parameters; variant=owt for the single tower)", config -> {
                    AlexNet.Config c = AlexNet.Config.parse(config);
                    return Shape.of(1, c.channels(), c.size(), c.size());
                },
                config -> new AlexNet(AlexNet.Config.parse(config), 42));
        register("mlp-xor", "2 -> 4 -> 1 perceptron with tanh and sigmoid, the XOR network", config -> Shape.of(4, 2),
                config -> {
                    Rng rng = new Rng(42);
                    return new Sequential(new Linear(2, 4, rng), new Tanh(), new Linear(4, 1, rng), new Sigmoid());
                });
    }

    private Models() {
    }

    private static void register(String name, String description, Function<String, Shape> input,
                                 Function<String, Module> factory) {
        if (BY_NAME.putIfAbsent(name, new Entry(name, description, input, factory)) != null) {
            throw new IllegalStateException("model '" + name + "' registered twice");
        }
    }

    /** Registered names, in registration order. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    public static Optional<Entry> find(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    /** The entry called {@code name}, or an error listing the known names. */
    public static Entry require(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown model '" + name + "'; models: "
                + String.join(", ", names())));
    }

    /** Picocli completion candidates (shown in help as the list of models). */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return names().iterator();
        }
    }
}
