package striate.models;

import java.util.Locale;
import striate.nn.Embedding;
import striate.nn.LSTM;
import striate.nn.Linear;
import striate.nn.Module;
import striate.nn.RNNBase;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.train.LanguageModeling;

/**
 * A character-level LSTM language model, the same model as benchmarks/pytorch/char_lm_brown.py: character ids
 * [b, t] → Embedding(chars, 64), N(0, 1) [b, t, 64] → LSTM, 2 layers of 512 hidden units with dropout 0.2 between
 * them (training only), batch-first [b, t, hidden] → Linear(hidden, chars) → logits [b, t, chars], the scores of
 * each step's next character. It reads a window from a given state (truncated backpropagation through time carries
 * the previous window's) and returns the state after the window. Parameters are named as the peer's
 * ({@code embedding.weight}, {@code lstm.weight_ih_l1}, {@code out.bias}, ...).
 */
public final class CharLstm extends Module implements LanguageModeling.Model {
    /** The model name in checkpoints. */
    public static final String NAME = "char-lstm";

    /**
     * The options that define the model: characters (ids, the unknown one included: input and output size),
     * embedding size, hidden units, LSTM layers, dropout between the layers. {@link #toString()} and {@link #parse}
     * round-trip for checkpoints.
     */
    public record Config(int chars, int embedding, int hidden, int layers, double dropout) {
        public Config {
            if (chars < 2 || embedding < 1 || hidden < 1 || layers < 1) {
                throw new IllegalArgumentException("a character LSTM needs chars >= 2 (unknown included), embedding, "
                        + "hidden and layers >= 1; got chars=" + chars + ", embedding=" + embedding + ", hidden="
                        + hidden + ", layers=" + layers);
            }
            if (!(dropout >= 0 && dropout < 1)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), got " + dropout);
            }
        }

        /** The PyTorch peer's model for {@code chars} ids with {@code hidden} units: embedding 64, 2 layers, 0.2. */
        public static Config defaults(int chars, int hidden) {
            return new Config(chars, 64, hidden, 2, 0.2);
        }

        /** Parses "chars=87,embedding=64,hidden=512,layers=2,dropout=0.2" (all five keys). */
        public static Config parse(String text) {
            int[] ints = {-1, -1, -1, -1};
            double dropout = -1;
            for (String part : text.split(",")) {
                String[] kv = part.split("=", 2);
                if (kv.length != 2) {
                    throw new IllegalArgumentException("bad char-lstm config '" + text + "': expected key=value pairs");
                }
                String v = kv[1].trim();
                switch (kv[0].trim()) {
                    case "chars" -> ints[0] = Integer.parseInt(v);
                    case "embedding" -> ints[1] = Integer.parseInt(v);
                    case "hidden" -> ints[2] = Integer.parseInt(v);
                    case "layers" -> ints[3] = Integer.parseInt(v);
                    case "dropout" -> dropout = Double.parseDouble(v);
                    default -> throw new IllegalArgumentException("unknown char-lstm option '" + kv[0] + "' in '"
                            + text + "'");
                }
            }
            if (ints[0] < 0 || ints[1] < 0 || ints[2] < 0 || ints[3] < 0 || dropout < 0) {
                throw new IllegalArgumentException("char-lstm config '" + text + "' must give chars, embedding, hidden, "
                        + "layers and dropout");
            }
            return new Config(ints[0], ints[1], ints[2], ints[3], dropout);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "chars=%d,embedding=%d,hidden=%d,layers=%d,dropout=%s", chars, embedding,
                    hidden, layers, dropout);
        }
    }

    private final Config config;
    private final Embedding embedding;
    private final LSTM lstm;
    private final Linear out;

    /** A model initialized from {@code seed} (PyTorch's initializations: N(0, 1) embedding, U(±1/√fan) elsewhere). */
    public CharLstm(Config config, long seed) {
        this.config = config;
        Rng rng = new Rng(seed);
        embedding = registerModule("embedding", new Embedding(config.chars(), config.embedding(), rng));
        lstm = registerModule("lstm", new LSTM(config.embedding(), config.hidden(), RNNBase.Options.defaults()
                .numLayers(config.layers()).dropout(config.dropout()).batchFirst(true), rng.split()));
        out = registerModule("out", new Linear(config.hidden(), config.chars(), rng));
    }

    public Config config() {
        return config;
    }

    /** Logits [b, t, chars] of full-length windows from a zero state. */
    @Override
    public Tensor forward(Tensor ids) {
        return forward(ids, null, null).logits();
    }

    /**
     * Ids [b, t] from {@code state} (null: zeros; h and c [layers, b, hidden]), row r real for its first
     * {@code lengths[r]} steps (null: all) → logits [b, t, chars] and the state after each row's last real step.
     * An id outside [0, chars) is an error naming it.
     */
    @Override
    public LanguageModeling.Step forward(Tensor ids, RNNBase.State state, int[] lengths) {
        if (ids.rank() != 2) {
            throw new IllegalArgumentException("CharLstm: character ids must be [batch, steps], got " + ids.shape());
        }
        long b = ids.dim(0);
        long t = ids.dim(1);
        Tensor x = embedding.forward(ids);                                  // [b, t, embedding]
        RNNBase.Output o = lengths == null ? lstm.forward(x, state) : lstm.forward(x, state, lengths);
        Tensor logits = out.forward(o.output().reshape(b * t, config.hidden()))  // [b·t, chars]
                .reshape(b, t, config.chars());
        return new LanguageModeling.Step(logits, o.state());
    }

    @Override
    public String toString() {
        return "CharLstm(" + config + ")";
    }
}
