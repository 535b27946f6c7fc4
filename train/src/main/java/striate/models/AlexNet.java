package striate.models;

import java.util.Locale;
import striate.nn.Conv2d;
import striate.nn.Dropout;
import striate.nn.Flatten;
import striate.nn.Linear;
import striate.nn.LocalResponseNorm;
import striate.nn.MaxPool2d;
import striate.nn.ReLU;
import striate.nn.Sequential;
import striate.op.ConvParams;
import striate.tensor.Rng;

/**
 * AlexNet in two layouts, both five convolutions and three fully connected layers with ReLU, overlapping 3×3
 * stride-2 max pooling and dropout before the first two fully connected layers:
 * <ul>
 *   <li>{@link Variant#PAPER} (Krizhevsky, Sutskever and Hinton, 2012): 96-256-384-384-256 channels, local
 *   response normalization (size 5, alpha 1e-4, beta 0.75, k 2) after conv1 and conv2, and the paper's two-GPU
 *   towers kept as grouped convolutions (groups = 2 in conv2, conv4 and conv5). 60,965,224 parameters for 1,000
 *   classes, the count of the reference Caffe model.</li>
 *   <li>{@link Variant#OWT} ("One weird trick", Krizhevsky 2014): a single tower of 64-192-384-256-256 channels
 *   and no normalization, as torchvision's {@code alexnet}; 61,100,840 parameters for 1,000 classes.</li>
 * </ul>
 * Input convention: conv1 is 11×11 stride 4 with padding 2 on a 224×224 image (torchvision's), which gives the
 * paper's 55×55 maps; the paper's own 227×227 unpadded input gives the same sizes and parameter count. For
 * 224: conv1 [n, c1, 55, 55] → pool [27] → conv2 [27] → pool [13] → conv3..5 [13] → pool [n, 256, 6, 6] →
 * flatten 9,216 → 4,096 → 4,096 → classes. Other input sizes (at least 63) change only the flattened width.
 */
public final class AlexNet extends Sequential {
    /** The model name in checkpoints and on the command line. */
    public static final String NAME = "alexnet";

    /** Which AlexNet. */
    public enum Variant { PAPER, OWT }

    /** The options that define an AlexNet; {@link #toString()} and {@link #parse} round-trip for checkpoints. */
    public record Config(Variant variant, int classes, int channels, int size, double dropout) {
        public Config {
            if (classes < 2) {
                throw new IllegalArgumentException("classes must be >= 2, got " + classes);
            }
            if (channels < 1) {
                throw new IllegalArgumentException("channels must be >= 1, got " + channels);
            }
            if (size < MIN_SIZE) {
                throw new IllegalArgumentException("AlexNet needs images of at least " + MIN_SIZE + "x" + MIN_SIZE
                        + " (conv1 has stride 4, then three 3x3 stride-2 poolings), got size=" + size);
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
        }

        /** The paper's layout, 1,000 classes, RGB 224×224, dropout 0.5. */
        public static Config defaults() {
            return new Config(Variant.PAPER, 1000, 3, 224, 0.5);
        }

        /** Parses "variant=owt,classes=10,channels=3,size=64,dropout=0.5"; missing keys keep the defaults. */
        public static Config parse(String text) {
            Config c = defaults();
            Variant v = c.variant;
            int k = c.classes;
            int ch = c.channels;
            int s = c.size;
            double d = c.dropout;
            for (String part : text.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                String[] kv = part.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("bad AlexNet config '" + text + "': expected key=value pairs");
                }
                String value = kv[1].trim();
                switch (kv[0].trim()) {
                    case "variant" -> v = variant(value);
                    case "classes" -> k = Integer.parseInt(value);
                    case "channels" -> ch = Integer.parseInt(value);
                    case "size" -> s = Integer.parseInt(value);
                    case "dropout" -> d = Double.parseDouble(value);
                    default -> throw new IllegalArgumentException("unknown AlexNet option '" + kv[0]
                            + "'; use variant, classes, channels, size or dropout");
                }
            }
            return new Config(v, k, ch, s, d);
        }

        private static Variant variant(String name) {
            for (Variant v : Variant.values()) {
                if (v.name().equalsIgnoreCase(name)) {
                    return v;
                }
            }
            throw new IllegalArgumentException("unknown AlexNet variant '" + name + "'; use paper or owt");
        }

        @Override
        public String toString() {
            return "variant=" + variant.name().toLowerCase(Locale.ROOT) + ",classes=" + classes + ",channels="
                    + channels + ",size=" + size + ",dropout=" + dropout;
        }
    }

    /** The smallest input side that leaves a 1×1 map after the last pooling. */
    public static final int MIN_SIZE = 63;

    private final Config config;

    /** An AlexNet initialized from {@code seed} with PyTorch's default initialization. */
    public AlexNet(Config config, long seed) {
        this.config = config;
        Rng rng = new Rng(seed);
        boolean paper = config.variant() == Variant.PAPER;
        int[] width = paper ? new int[] {96, 256, 384, 384, 256} : new int[] {64, 192, 384, 256, 256};
        int towers = paper ? 2 : 1;
        add("conv1", new Conv2d(config.channels(), width[0], 11, 11, ConvParams.of(4, 2), true, rng));
        add("relu1", new ReLU());
        if (paper) {
            add("lrn1", new LocalResponseNorm(5, 1e-4, 0.75, 2));
        }
        add("pool1", new MaxPool2d(3, 2));
        add("conv2", new Conv2d(width[0], width[1], 5, 5, grouped(2, towers), true, rng));
        add("relu2", new ReLU());
        if (paper) {
            add("lrn2", new LocalResponseNorm(5, 1e-4, 0.75, 2));
        }
        add("pool2", new MaxPool2d(3, 2));
        add("conv3", new Conv2d(width[1], width[2], 3, 3, ConvParams.of(1, 1), true, rng));
        add("relu3", new ReLU());
        add("conv4", new Conv2d(width[2], width[3], 3, 3, grouped(1, towers), true, rng));
        add("relu4", new ReLU());
        add("conv5", new Conv2d(width[3], width[4], 3, 3, grouped(1, towers), true, rng));
        add("relu5", new ReLU());
        add("pool5", new MaxPool2d(3, 2));
        add("flatten", new Flatten());
        long side = finalSide(config.size());
        long features = width[4] * side * side; // 256·6·6 = 9,216 at 224
        if (config.dropout() > 0) {
            add("drop6", new Dropout(config.dropout(), rng.split()));
        }
        add("fc6", new Linear(features, 4096, rng));
        add("relu6", new ReLU());
        if (config.dropout() > 0) {
            add("drop7", new Dropout(config.dropout(), rng.split()));
        }
        add("fc7", new Linear(4096, 4096, rng));
        add("relu7", new ReLU());
        add("fc8", new Linear(4096, config.classes(), rng));
    }

    public Config config() {
        return config;
    }

    /** Side of pool5's output for a {@code size}×{@code size} input: 6 for 224 (and for 227 unpadded). */
    public static long finalSide(long size) {
        long s = ConvParams.outputSize(size, 11, 4, 2, 1); // conv1
        s = ConvParams.outputSize(s, 3, 2, 0, 1); // pool1; conv2..5 keep the size
        s = ConvParams.outputSize(s, 3, 2, 0, 1); // pool2
        return ConvParams.outputSize(s, 3, 2, 0, 1); // pool5
    }

    private static ConvParams grouped(int padding, int groups) {
        return new ConvParams(1, 1, padding, padding, 1, 1, groups);
    }

    @Override
    public String toString() {
        return "AlexNet(" + config + ")";
    }
}
