package striate.models;

import java.util.Arrays;
import java.util.Locale;
import striate.data.Vocabulary;
import striate.nn.Dropout;
import striate.nn.Embedding;
import striate.nn.Init;
import striate.nn.LSTM;
import striate.nn.Linear;
import striate.nn.Module;
import striate.nn.RNNBase;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.train.Tagging;

/**
 * A bidirectional-LSTM part-of-speech tagger (the recipe of Lample et al. 2016 and Ma and Hovy 2016 without the
 * character features or the CRF), the same model as benchmarks/pytorch/pos_tagger_brown.py: word ids [b, t]
 * (0 = {@link Vocabulary#PAD} after each sentence's length) → Embedding(words, 100, padding row 0) initialized
 * U(±√(3/100)) [b, t, 100] → dropout 0.5 → one bidirectional LSTM layer, 128 hidden units per direction, over each
 * sentence's own length [b, t, 256] → Linear(256, tags) → logits [b, t, tags]. Parameters are named as the PyTorch
 * peer's ({@code embedding.weight}, {@code lstm.weight_ih_l0_reverse}, {@code out.bias}, ...).
 */
public final class BiLstmTagger extends Module implements Tagging.Model {
    /** The model name in checkpoints. */
    public static final String NAME = "bilstm-tagger";

    /**
     * The options that define a tagger: vocabulary size (rows of the embedding, padding and unknown included), tag
     * count, embedding size, hidden units per direction, dropout on the embeddings. {@link #toString()} and
     * {@link #parse} round-trip for checkpoints.
     */
    public record Config(int words, int tags, int embedding, int hidden, double dropout) {
        public Config {
            if (words < 2 || tags < 1 || embedding < 1 || hidden < 1) {
                throw new IllegalArgumentException("a tagger needs words >= 2 (padding and unknown included), tags, "
                        + "embedding and hidden >= 1; got words=" + words + ", tags=" + tags + ", embedding="
                        + embedding + ", hidden=" + hidden);
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
        }

        /** The PyTorch peer's recipe for a vocabulary of {@code words} ids and {@code tags} tags. */
        public static Config defaults(int words, int tags) {
            return new Config(words, tags, 100, 128, 0.5);
        }

        /** Parses "words=26501,tags=188,embedding=100,hidden=128,dropout=0.5" (all five keys). */
        public static Config parse(String text) {
            int words = -1;
            int tags = -1;
            int embedding = -1;
            int hidden = -1;
            double dropout = -1;
            for (String part : text.split(",")) {
                String[] kv = part.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("bad tagger config '" + text + "': expected key=value pairs");
                }
                String v = kv[1].trim();
                switch (kv[0].trim()) {
                    case "words" -> words = Integer.parseInt(v);
                    case "tags" -> tags = Integer.parseInt(v);
                    case "embedding" -> embedding = Integer.parseInt(v);
                    case "hidden" -> hidden = Integer.parseInt(v);
                    case "dropout" -> dropout = Double.parseDouble(v);
                    default -> throw new IllegalArgumentException("unknown tagger option '" + kv[0] + "' in '" + text
                            + "'");
                }
            }
            if (words < 0 || tags < 0 || embedding < 0 || hidden < 0 || dropout < 0) {
                throw new IllegalArgumentException("tagger config '" + text + "' must give words, tags, embedding, "
                        + "hidden and dropout");
            }
            return new Config(words, tags, embedding, hidden, dropout);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "words=%d,tags=%d,embedding=%d,hidden=%d,dropout=%s", words, tags,
                    embedding, hidden, dropout);
        }
    }

    private final Config config;
    private final Embedding embedding;
    private final Dropout dropout;
    private final LSTM lstm;
    private final Linear out;

    /** A tagger initialized from {@code seed}. */
    public BiLstmTagger(Config config, long seed) {
        this.config = config;
        Rng rng = new Rng(seed);
        Tensor table = Init.uniform(rng, Math.sqrt(3.0 / config.embedding()), config.words(), config.embedding());
        double[] rows = table.toDoubleArray();
        Arrays.fill(rows, Vocabulary.PAD * config.embedding(), (Vocabulary.PAD + 1) * config.embedding(), 0);
        table.copyFrom(rows);                                       // the padding row is zero and stays zero
        embedding = registerModule("embedding", new Embedding(table, Vocabulary.PAD));
        dropout = registerModule("dropout", new Dropout(config.dropout(), rng.split()));
        lstm = registerModule("lstm", new LSTM(config.embedding(), config.hidden(),
                RNNBase.Options.defaults().bidirectional(true).batchFirst(true), rng));
        out = registerModule("out", new Linear(2L * config.hidden(), config.tags(), rng));
    }

    public Config config() {
        return config;
    }

    /** Tags every step of full-length sentences: ids [b, t] → logits [b, t, tags]. */
    @Override
    public Tensor forward(Tensor ids) {
        int[] lengths = new int[Math.toIntExact(ids.dim(0))];
        Arrays.fill(lengths, Math.toIntExact(ids.dim(1)));
        return forward(ids, lengths);
    }

    /**
     * Tags a padded batch: ids int32 [b, t] whose sentence k has {@code lengths[k]} words, 1 to t, then padding →
     * logits [b, t, tags] (zero hidden state, so only the output bias, at padded steps). An id outside the vocabulary,
     * an empty sentence or a length beyond t is an error naming it.
     */
    @Override
    public Tensor forward(Tensor ids, int[] lengths) {
        if (ids.rank() != 2) {
            throw new IllegalArgumentException("BiLstmTagger: word ids must be [batch, steps], got " + ids.shape());
        }
        long b = ids.dim(0);
        long t = ids.dim(1);
        Tensor x = dropout.forward(embedding.forward(ids));               // [b, t, embedding]
        Tensor h = lstm.forward(x, null, lengths).output();               // [b, t, 2·hidden]
        return out.forward(h.reshape(b * t, 2L * config.hidden())).reshape(b, t, config.tags());
    }

    @Override
    public String toString() {
        return "BiLstmTagger(" + config + ")";
    }
}
