package striate.cli;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import striate.nn.Linear;
import striate.nn.Module;
import striate.nn.Sequential;
import striate.tensor.Rng;

/**
 * The models the command line can build by name ({@code striate summary <model>}). This is the extension
 * point: register a factory below for each model of {@code striate.models} (LeNet-5, AlexNet, ...) as it
 * lands; commands only ever see names, descriptions and fresh modules. Factories are seeded, so a model's
 * initial weights are the same on every run.
 */
public final class Models {
    /** A buildable model: its name on the command line, one line about it, and a factory. */
    public record Entry(String name, String description, Supplier<Module> factory) {
    }

    private static final Map<String, Entry> BY_NAME = new LinkedHashMap<>();

    static {
        // Layers only for now: the activation between them comes with striate.nn's activation modules.
        register("mlp-xor", "2 → 4 → 1 Linear layers, the XOR network's shape", () -> {
            Rng rng = new Rng(42);
            return new Sequential(new Linear(2, 4, rng), new Linear(4, 1, rng));
        });
    }

    private Models() {
    }

    private static void register(String name, String description, Supplier<Module> factory) {
        if (BY_NAME.putIfAbsent(name, new Entry(name, description, factory)) != null) {
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

    /** Picocli completion candidates (shown in help as the list of models). */
    static final class Names implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return names().iterator();
        }
    }
}
