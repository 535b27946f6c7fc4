package striate.train;

import java.util.Arrays;
import java.util.Locale;

/**
 * Whether the trainer captures its image-classification step once and replays it ({@link GraphedStep}), the command
 * line's {@code --cuda-graphs}. AUTO captures on CUDA devices, where a replay saves the launches of a launch-bound
 * step, when the step is safe to capture, and trains eagerly with one log line saying why otherwise; ON captures on
 * any device whose backend can (the host backends record their kernel calls: the same rules, checked without a GPU)
 * and refuses a step that is not safe; OFF trains eagerly.
 */
public enum GraphMode {
    AUTO, ON, OFF;

    /** The mode named {@code name} (auto, on or off, any case), or an error listing them. */
    public static GraphMode parse(String name) {
        for (GraphMode m : values()) {
            if (m.label().equals(name.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new IllegalArgumentException("--cuda-graphs must be one of " + Arrays.stream(values())
                .map(GraphMode::label).toList() + ", got '" + name + "'");
    }

    /** The name on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
