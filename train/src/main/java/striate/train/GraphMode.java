package striate.train;

import java.util.Arrays;
import java.util.Locale;
import org.slf4j.Logger;

/**
 * Whether a trainer captures its step once and replays it (a classifier's or a language model's: {@link GraphedStep};
 * the GAN trainer's), the command line's {@code --cuda-graphs}. AUTO captures on CUDA devices, where a replay saves the launches of a launch-bound
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

    /** The error of {@code --cuda-graphs on} when {@code why}: one line that names the way out. */
    public static IllegalArgumentException refusal(String why, Throwable cause) {
        return new IllegalArgumentException("--cuda-graphs on: " + why + "; use --cuda-graphs auto (which then trains "
                + "eagerly) or off", cause);
    }

    /**
     * A capture of {@code what} ("the training step") failed with {@code e}: a {@code required} graph stops the run
     * with the reason ({@link #refusal}, thrown); otherwise one log line, and the caller trains eagerly from then on.
     */
    public static void captureFailed(boolean required, String what, RuntimeException e, Logger log) {
        if (required) {
            throw refusal(what + " could not be captured: " + e.getMessage(), e);
        }
        log.info("cuda graphs: {} could not be captured ({}); training eagerly", what, e.getMessage());
    }

    /** The name on the command line. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
