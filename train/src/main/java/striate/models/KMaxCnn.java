package striate.models;

import java.util.Locale;
import striate.nn.Conv1d;
import striate.nn.Dropout;
import striate.nn.DynamicKMaxPool;
import striate.nn.Embedding;
import striate.nn.Linear;
import striate.nn.Module;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The dynamic convolutional neural network of Kalchbrenner et al. (2014, https://arxiv.org/abs/1404.2188), two
 * convolutional layers: word ids [n, l] (int32, 0 = padding) → Embedding(words, d, padding row 0) → channels
 * [n, d, l] → wide Conv1d(d, F1, w1, padding w1 − 1) [n, F1, l + w1 − 1] → dynamic k-max, k1 = max(k_top,
 * ⌈s/2⌉) with s that length → tanh → wide Conv1d(F1, F2, w2, padding w2 − 1) [n, F2, k1 + w2 − 1] → k-max with
 * k_top → tanh → flatten [n, F2·k_top] → Dropout(p) → Linear(F2·k_top, classes) → logits [n, classes]. The
 * embedding is N(0, 1) or a pretrained matrix, frozen or fine-tuned, its padding row 0 zero, as {@link TextCnn}'s.
 * No folding: the paper's convolutions act on each embedding row separately and folding sums pairs of rows to let
 * them interact; here each Conv1d filter spans all channels, which already mixes the rows. A batch shorter than
 * k_top − w1 + 1 words (so that the first pooled length would be under k_top) is padded with id 0 to that length.
 * Parameters: {@code embedding.weight}, {@code conv1.weight}, {@code conv1.bias}, {@code conv2.*}, {@code fc.*}.
 */
public final class KMaxCnn extends Module {
    /** The model name in checkpoints. */
    public static final String NAME = "kmaxcnn";

    /**
     * The sizes that define a KMaxCnn: vocabulary rows (padding included), classes, embedding size d, the two
     * convolutions' filters and widths, k_top and the dropout before the classifier. {@link #toString()} and
     * {@link #parse} round-trip for checkpoints.
     */
    public record Config(int words, int classes, int embedding, int filters1, int width1, int filters2, int width2,
                         int kTop, double dropout) {
        public Config {
            if (words < 2 || classes < 2 || embedding < 1 || filters1 < 1 || width1 < 1 || filters2 < 1 || width2 < 1
                    || kTop < 1) {
                throw new IllegalArgumentException("KMaxCnn needs words >= 2 (padding included), classes >= 2 and "
                        + "the other sizes >= 1; got " + describe(words, classes, embedding, filters1, width1,
                        filters2, width2, kTop, dropout));
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("KMaxCnn: dropout must be in [0, 1), got " + dropout);
            }
        }

        /** The paper's sizes: d = 48, 6 maps of width 7, then 14 maps of width 5, k_top = 4, dropout 0.5. */
        public static Config defaults(int words, int classes) {
            return new Config(words, classes, 48, 6, 7, 14, 5, 4, 0.5);
        }

        /** Parses what {@link #toString()} writes: all nine keys, "words=5000,classes=2,...,kTop=4,dropout=0.5". */
        public static Config parse(String text) {
            ConfigText c = ConfigText.parse("KMaxCnn", text, "words", "classes", "embedding", "filters1", "width1",
                    "filters2", "width2", "kTop", "dropout");
            return new Config(c.integer("words"), c.integer("classes"), c.integer("embedding"), c.integer("filters1"),
                    c.integer("width1"), c.integer("filters2"), c.integer("width2"), c.integer("kTop"),
                    c.real("dropout"));
        }

        private static String describe(int words, int classes, int embedding, int filters1, int width1, int filters2,
                                       int width2, int kTop, double dropout) {
            return String.format(Locale.ROOT, "words=%d,classes=%d,embedding=%d,filters1=%d,width1=%d,filters2=%d,"
                    + "width2=%d,kTop=%d,dropout=%s", words, classes, embedding, filters1, width1, filters2, width2,
                    kTop, dropout);
        }

        @Override
        public String toString() {
            return describe(words, classes, embedding, filters1, width1, filters2, width2, kTop, dropout);
        }
    }

    private final Config config;
    private final Embedding embedding;
    private final Conv1d conv1;
    private final DynamicKMaxPool pool1;
    private final Conv1d conv2;
    private final DynamicKMaxPool pool2;
    private final Dropout dropout;
    private final Linear fc;

    /** A KMaxCnn with a N(0, 1) embedding, initialized from {@code seed}. */
    public KMaxCnn(Config config, long seed) {
        this(config, null, false, seed);
    }

    /**
     * A KMaxCnn whose embedding holds a copy of {@code pretrained} [words, embedding] (row 0 set to zero), frozen
     * when {@code freeze}; null pretrained means a N(0, 1) embedding (and freeze must be false).
     */
    public KMaxCnn(Config config, Tensor pretrained, boolean freeze, long seed) {
        this.config = config;
        Rng rng = new Rng(seed);
        embedding = registerModule("embedding", TextEmbedding.of("KMaxCnn", config.words(), config.embedding(),
                pretrained, freeze, rng));
        conv1 = registerModule("conv1", new Conv1d(config.embedding(), config.filters1(), config.width1(),
                Conv1d.Options.defaults().padding(config.width1() - 1), rng));
        pool1 = registerModule("pool1", new DynamicKMaxPool(1, 2, config.kTop()));
        conv2 = registerModule("conv2", new Conv1d(config.filters1(), config.filters2(), config.width2(),
                Conv1d.Options.defaults().padding(config.width2() - 1), rng));
        pool2 = registerModule("pool2", new DynamicKMaxPool(2, 2, config.kTop()));
        dropout = registerModule("dropout", new Dropout(config.dropout(), rng.split()));
        fc = registerModule("fc", new Linear((long) config.filters2() * config.kTop(), config.classes(), rng));
    }

    public Config config() {
        return config;
    }

    public Embedding embedding() {
        return embedding;
    }

    /** ids int32 [n, l] → logits [n, classes]; l below max(1, k_top − w1 + 1) is padded with 0 to it. */
    @Override
    public Tensor forward(Tensor ids) {
        int minLength = Math.max(1, config.kTop() - config.width1() + 1);
        Tensor x = TextEmbedding.channels("KMaxCnn", embedding, ids, minLength); // [n, d, l]
        Tensor h1 = pool1.forward(conv1.forward(x)).tanh(); // [n, F1, k1]
        Tensor h2 = pool2.forward(conv2.forward(h1)).tanh(); // [n, F2, k_top]
        Tensor features = dropout.forward(h2.reshape(h2.dim(0), -1)); // [n, F2·k_top]
        return fc.forward(features); // [n, classes]
    }

    @Override
    public String toString() {
        return "KMaxCnn(" + config + (embedding.frozen() ? ", frozen" : "") + ")";
    }
}
