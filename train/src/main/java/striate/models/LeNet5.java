package striate.models;

import java.util.Locale;
import striate.nn.AvgPool2d;
import striate.nn.Conv2d;
import striate.nn.Dropout;
import striate.nn.Flatten;
import striate.nn.Linear;
import striate.nn.MaxPool2d;
import striate.nn.Module;
import striate.nn.ReLU;
import striate.nn.Sequential;
import striate.nn.Tanh;
import striate.tensor.Rng;

/**
 * LeNet-5 (LeCun et al., 1998, "Gradient-based learning applied to document recognition") for 28×28 inputs:
 * C1 conv 1→6 5×5 padding 2 [n, 6, 28, 28] → S2 pool 2×2 [n, 6, 14, 14] → C3 conv 6→16 5×5 [n, 16, 10, 10] →
 * S4 pool [n, 16, 5, 5] → C5 conv 16→120 5×5 [n, 120, 1, 1] → flatten → F6 120→84 → output 84→10 logits.
 * ReLU or tanh, max or average pooling, optional dropout before the output. 61,706 parameters (C1 has 156).
 */
public final class LeNet5 extends Sequential {
    /** The model name in checkpoints and on the command line. */
    public static final String NAME = "lenet5";

    /** Activation after each conv and hidden layer. */
    public enum Activation { RELU, TANH }

    /** Subsampling layers S2 and S4. */
    public enum Pooling { MAX, AVG }

    /** The options that define a LeNet-5; {@link #toString()} and {@link #parse} round-trip for checkpoints. */
    public record Config(Activation activation, Pooling pooling, double dropout, int classes) {
        public Config {
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
            if (classes < 2) {
                throw new IllegalArgumentException("classes must be >= 2, got " + classes);
            }
        }

        /** ReLU, max pooling, no dropout, 10 classes. */
        public static Config defaults() {
            return new Config(Activation.RELU, Pooling.MAX, 0, 10);
        }

        /** Parses "activation=relu,pool=max,dropout=0.0,classes=10". */
        public static Config parse(String text) {
            Config c = defaults();
            Activation a = c.activation;
            Pooling p = c.pooling;
            double d = c.dropout;
            int k = c.classes;
            for (String part : text.split(",")) {
                String[] kv = part.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("bad LeNet-5 config '" + text + "': expected key=value pairs");
                }
                String v = kv[1].trim().toUpperCase(Locale.ROOT);
                switch (kv[0].trim()) {
                    case "activation" -> a = Activation.valueOf(v);
                    case "pool" -> p = Pooling.valueOf(v);
                    case "dropout" -> d = Double.parseDouble(v);
                    case "classes" -> k = Integer.parseInt(v);
                    default -> throw new IllegalArgumentException("unknown LeNet-5 option '" + kv[0] + "'");
                }
            }
            return new Config(a, p, d, k);
        }

        @Override
        public String toString() {
            return "activation=" + activation.name().toLowerCase(Locale.ROOT) + ",pool="
                    + pooling.name().toLowerCase(Locale.ROOT) + ",dropout=" + dropout + ",classes=" + classes;
        }
    }

    private final Config config;

    /** A LeNet-5 initialized from {@code seed} with PyTorch's default initialization. */
    public LeNet5(Config config, long seed) {
        this.config = config;
        Rng rng = new Rng(seed);
        add("c1", new Conv2d(1, 6, 5, 1, 2, rng));
        add("act1", activation());
        add("s2", pool());
        add("c3", new Conv2d(6, 16, 5, 1, 0, rng));
        add("act3", activation());
        add("s4", pool());
        add("c5", new Conv2d(16, 120, 5, 1, 0, rng));
        add("act5", activation());
        add("flatten", new Flatten());
        add("f6", new Linear(120, 84, rng));
        add("act6", activation());
        if (config.dropout() > 0) {
            add("dropout", new Dropout(config.dropout(), rng.split()));
        }
        add("output", new Linear(84, config.classes(), rng));
    }

    public Config config() {
        return config;
    }

    private Module activation() {
        return config.activation() == Activation.RELU ? new ReLU() : new Tanh();
    }

    private Module pool() {
        return config.pooling() == Pooling.MAX ? new MaxPool2d(2, 2) : new AvgPool2d(2, 2);
    }

    @Override
    public String toString() {
        return "LeNet5(" + config + ")";
    }
}
