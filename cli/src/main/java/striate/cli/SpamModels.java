package striate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import striate.data.EmailTokenizer;
import striate.data.Vocabulary;
import striate.models.KMaxCnn;
import striate.models.TextCnn;
import striate.nn.Module;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.train.Checkpoint;
import striate.train.CheckpointException;

/**
 * The spam classifiers {@code textcnn train} builds by {@code --model}, and their rebuilding from a checkpoint with
 * the vocabulary ("words") and truncation ({@code --max-tokens}) the run recorded; 2 classes (0 ham, 1 spam).
 * {@code textcnn}: Kim's text-CNN, 100 filters per width 3/4/5, dropout 0.5. {@code kmax}: Kalchbrenner et al.'s
 * dynamic k-max pooling CNN with the paper's sizes (6 maps of width 7, 14 of width 5, k_top 4, dropout 0.5).
 */
final class SpamModels {
    static final int FILTERS = 100;
    static final double DROPOUT = 0.5;
    static final int CLASSES = 2;

    private SpamModels() {
    }

    /** A model, its checkpoint name and configuration, and the shortest batch it takes (its widest window). */
    record Built(Module module, String name, String config, int minLength) {
    }

    static void check(CommandSpec spec, String model) {
        if (!model.equals("textcnn") && !model.equals("kmax")) {
            throw new ParameterException(spec.commandLine(), "unknown --model '" + model + "'; choose textcnn or "
                    + "kmax");
        }
    }

    /** The checkpoint's model name of {@code --model}. */
    static String checkpointName(String model) {
        return model.equals("kmax") ? KMaxCnn.NAME : TextCnn.NAME;
    }

    /** A new model over {@code words} ids whose embedding starts as {@code weight} [words, d]. */
    static Built create(String model, int words, int d, Tensor weight, boolean freeze, long seed) {
        if (model.equals("kmax")) {
            KMaxCnn.Config config = kmax(words, d);
            return built(new KMaxCnn(config, weight, freeze, seed), config);
        }
        TextCnn.Config config = new TextCnn.Config(words, CLASSES, d, FILTERS, DROPOUT);
        return built(new TextCnn(config, weight, freeze, seed), config);
    }

    static KMaxCnn.Config kmax(int words, int d) {
        KMaxCnn.Config paper = KMaxCnn.Config.defaults(words, CLASSES);
        return new KMaxCnn.Config(words, CLASSES, d, paper.filters1(), paper.width1(), paper.filters2(),
                paper.width2(), paper.kTop(), paper.dropout());
    }

    private static Built built(TextCnn model, TextCnn.Config config) {
        return new Built(model, TextCnn.NAME, config.toString(), TextCnn.WIDTHS[TextCnn.WIDTHS.length - 1]);
    }

    private static Built built(KMaxCnn model, KMaxCnn.Config config) {
        return new Built(model, KMaxCnn.NAME, config.toString(), Math.max(1, config.kTop() - config.width1() + 1));
    }

    /** A classifier rebuilt from a {@code textcnn train} checkpoint, in evaluation mode on {@code device}. */
    record Loaded(Checkpoint checkpoint, Built built, Vocabulary vocabulary, EmailTokenizer tokenizer) {
    }

    static Loaded load(Path file, Device device) throws IOException {
        Checkpoint c = Checkpoint.load(file);
        if (!c.modelName().equals(KMaxCnn.NAME) && !c.modelName().equals(TextCnn.NAME)) {
            throw new CheckpointException(file, "is a checkpoint of model '" + c.modelName() + "', not of a spam "
                    + "classifier (" + TextCnn.NAME + " or " + KMaxCnn.NAME + "); give one that 'striate textcnn "
                    + "train' wrote");
        }
        Built built;
        int configWords;
        try {
            if (c.modelName().equals(KMaxCnn.NAME)) {
                KMaxCnn.Config config = KMaxCnn.Config.parse(c.modelConfig());
                built = built(new KMaxCnn(config, 0), config);
                configWords = config.words();
            } else {
                TextCnn.Config config = TextCnn.Config.parse(c.modelConfig());
                built = built(new TextCnn(config, 0), config);
                configWords = config.words();
            }
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "the classifier's configuration cannot be read: " + e.getMessage());
        }
        List<String> words = c.vocabulary(TextCnnTrainCommand.WORDS);
        if (words.size() != configWords) {
            throw new CheckpointException(file, "holds " + words.size() + " words for a model of " + configWords
                    + " word ids; the checkpoint is damaged or was not written by 'striate textcnn train'");
        }
        Vocabulary vocabulary;
        int maxTokens;
        try {
            vocabulary = Vocabulary.of(words, Integer.parseInt(c.settings().getOrDefault("--min-count", "2")), false);
            maxTokens = Integer.parseInt(c.settings().getOrDefault("--max-tokens", "" + EmailTokenizer.DEFAULT_MAX_TOKENS));
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "its vocabulary or options cannot be used: " + e.getMessage());
        }
        Module model = built.module();
        c.restoreInto(model);
        model.to(device);
        model.eval();
        return new Loaded(c, built, vocabulary, new EmailTokenizer(maxTokens));
    }
}
