package striate.models;

import java.util.Arrays;
import java.util.Locale;
import striate.nn.Conv1d;
import striate.nn.Dropout;
import striate.nn.Embedding;
import striate.nn.Functional;
import striate.nn.Linear;
import striate.nn.Module;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The sentence CNN of Kim (2014, https://arxiv.org/abs/1408.5882): word ids [n, l] (int32, 0 = padding) →
 * Embedding(words, d, padding row 0) [n, l, d] → as channels [n, d, l] → one Conv1d(d, F, w) per width w = 3, 4, 5
 * with ReLU [n, F, l − w + 1] → max over time [n, F] each → cat [n, 3F] → Dropout(p) → Linear(3F, classes) → logits
 * [n, classes]. The max is taken before the conv's bias and ReLU, the same function (see forward); in floats the two
 * orders differ only by where z is rounded, and in how the gradient is shared where rounding makes z_t + b tie. The embedding is N(0, 1) (PyTorch's default) or a given pretrained matrix [words, d], frozen or
 * fine-tuned; the padding row 0 is zero in both cases. A batch shorter than the widest filter (l < 5) is padded
 * with id 0 on the right to length 5, so every width sees at least one window. Parameters: {@code embedding.weight},
 * {@code conv3.weight}, {@code conv3.bias}, ..., {@code fc.weight}, {@code fc.bias}.
 */
public final class TextCnn extends Module {
    /** The model name in checkpoints. */
    public static final String NAME = "textcnn";
    /** The filter widths, Kim's. */
    public static final int[] WIDTHS = {3, 4, 5};

    /**
     * The sizes that define a TextCnn: vocabulary rows (padding included), classes, embedding size d, filters F per
     * width, dropout before the classifier. {@link #toString()} and {@link #parse} round-trip for checkpoints.
     */
    public record Config(int words, int classes, int embedding, int filters, double dropout) {
        public Config {
            if (words < 2 || classes < 2 || embedding < 1 || filters < 1) {
                throw new IllegalArgumentException("TextCnn needs words >= 2 (padding included), classes >= 2, "
                        + "embedding and filters >= 1; got words=" + words + ", classes=" + classes + ", embedding="
                        + embedding + ", filters=" + filters);
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("TextCnn: dropout must be in [0, 1), got " + dropout);
            }
        }

        /** Kim's recipe: d = 300, 100 filters per width, dropout 0.5. */
        public static Config defaults(int words, int classes) {
            return new Config(words, classes, 300, 100, 0.5);
        }

        /** Parses "words=5000,classes=2,embedding=300,filters=100,dropout=0.5" (all five keys). */
        public static Config parse(String text) {
            ConfigText c = ConfigText.parse("TextCnn", text, "words", "classes", "embedding", "filters", "dropout");
            return new Config(c.integer("words"), c.integer("classes"), c.integer("embedding"), c.integer("filters"),
                    c.real("dropout"));
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "words=%d,classes=%d,embedding=%d,filters=%d,dropout=%s", words,
                    classes, embedding, filters, dropout);
        }
    }

    private final Config config;
    private final Embedding embedding;
    private final Conv1d[] convs = new Conv1d[WIDTHS.length];
    private final Dropout dropout;
    private final Linear fc;

    /** A TextCnn with a N(0, 1) embedding, initialized from {@code seed}. */
    public TextCnn(Config config, long seed) {
        this(config, null, false, seed);
    }

    /**
     * A TextCnn whose embedding holds a copy of {@code pretrained} [words, embedding] (row 0 set to zero), frozen
     * when {@code freeze}; null pretrained means a N(0, 1) embedding (and freeze must be false).
     */
    public TextCnn(Config config, Tensor pretrained, boolean freeze, long seed) {
        this.config = config;
        Rng rng = new Rng(seed);
        embedding = registerModule("embedding", TextEmbedding.of("TextCnn", config.words(), config.embedding(),
                pretrained, freeze, rng));
        for (int i = 0; i < WIDTHS.length; i++) {
            convs[i] = registerModule("conv" + WIDTHS[i], new Conv1d(config.embedding(), config.filters(), WIDTHS[i],
                    rng));
        }
        dropout = registerModule("dropout", new Dropout(config.dropout(), rng.split()));
        fc = registerModule("fc", new Linear((long) WIDTHS.length * config.filters(), config.classes(), rng));
    }

    public Config config() {
        return config;
    }

    public Embedding embedding() {
        return embedding;
    }

    /** ids int32 [n, l] → logits [n, classes]; l < 5 is padded with 0 to 5. */
    @Override
    public Tensor forward(Tensor ids) {
        Tensor x = TextEmbedding.channels("TextCnn", embedding, ids, WIDTHS[WIDTHS.length - 1]); // [n, d, l]
        Tensor[] pooled = new Tensor[convs.length];
        for (int i = 0; i < convs.length; i++) {
            // max_t relu(z_t + b) = relu(max_t z_t + b) (adding b and the ReLU are monotone), so the bias and ReLU
            // run on the pooled [n, F] rather than on [n, F, l − w + 1], and the ReLU's gate and the bias gradient
            // never walk the long map.
            Conv1d conv = convs[i];
            Tensor z = Functional.conv1d(x, conv.weight().value(), null, 1, 0, 1, 1, false); // [n, F, l − w + 1]
            Tensor top = Functional.adaptiveMaxPool1d(z, 1).reshape(z.dim(0), config.filters()); // [n, F]
            pooled[i] = top.add(conv.bias().value()).relu(); // [n, F]
        }
        Tensor features = dropout.forward(Tensor.cat(1, pooled)); // [n, 3F]
        return fc.forward(features); // [n, classes]
    }

    @Override
    public String toString() {
        return "TextCnn(" + config + ", widths=" + Arrays.toString(WIDTHS) + (embedding.frozen() ? ", frozen" : "")
                + ")";
    }
}
