package striate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import striate.data.TagSet;
import striate.data.Vocabulary;
import striate.models.BiLstmTagger;
import striate.tensor.Device;
import striate.train.Checkpoint;
import striate.train.CheckpointException;

/**
 * A part-of-speech tagger rebuilt from a checkpoint of {@code tagger train}: the model (in evaluation mode, on a
 * device) and what its ids stand for, the vocabulary ("words") and tag set ("tags") the checkpoint holds. A
 * checkpoint of another model, or one whose lists do not fit its model, is an error naming the file.
 */
record TaggerCheckpoint(Checkpoint checkpoint, BiLstmTagger model, Vocabulary words, TagSet tags) {
    static final String WORDS = "words";
    static final String TAGS = "tags";

    static TaggerCheckpoint load(Path file, Device device) throws IOException {
        Checkpoint c = Checkpoint.load(file).requireModel(BiLstmTagger.NAME);
        BiLstmTagger.Config config;
        try {
            config = BiLstmTagger.Config.parse(c.modelConfig());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "the tagger's configuration cannot be read: " + e.getMessage());
        }
        List<String> wordList = c.vocabulary(WORDS);
        List<String> tagList = c.vocabulary(TAGS);
        if (wordList.size() != config.words() || tagList.size() != config.tags()) {
            throw new CheckpointException(file, "holds " + wordList.size() + " words and " + tagList.size() + " tags "
                    + "for a model of " + config.words() + " word ids and " + config.tags() + " tags, so ids would "
                    + "fall outside its tables; the checkpoint is damaged or was not written by 'striate tagger train'");
        }
        Vocabulary words;
        TagSet tags;
        try {
            words = Vocabulary.of(wordList, TaggerData.MIN_COUNT, TaggerData.LOWERCASE);
            tags = TagSet.of(tagList);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "its vocabulary cannot be used: " + e.getMessage());
        }
        if (!tags.tags().equals(tagList)) {
            throw new CheckpointException(file, "its tags are not distinct and in code-point order, so tag ids would "
                    + "mean other tags; the checkpoint was not written by 'striate tagger train'");
        }
        BiLstmTagger model = new BiLstmTagger(config, 0);
        c.restoreInto(model);
        model.to(device);
        model.eval();
        return new TaggerCheckpoint(c, model, words, tags);
    }
}
