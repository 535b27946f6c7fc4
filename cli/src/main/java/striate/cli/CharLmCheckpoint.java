package striate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import striate.data.CharVocabulary;
import striate.models.CharLstm;
import striate.tensor.Device;
import striate.train.Checkpoint;
import striate.train.CheckpointException;

/**
 * A character language model rebuilt from a checkpoint of {@code charlm train}: the model (in evaluation mode, on a
 * device) and its character vocabulary ("chars": each id's character). A checkpoint of another model, or one whose
 * characters do not fit its model, is an error naming the file.
 */
record CharLmCheckpoint(Checkpoint checkpoint, CharLstm model, CharVocabulary chars) {
    static final String CHARS = "chars";

    static CharLmCheckpoint load(Path file, Device device) throws IOException {
        Checkpoint c = Checkpoint.load(file).requireModel(CharLstm.NAME);
        CharLstm.Config config;
        try {
            config = CharLstm.Config.parse(c.modelConfig());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "the language model's configuration cannot be read: " + e.getMessage());
        }
        List<String> list = c.vocabulary(CHARS);
        if (list.size() != config.chars()) {
            throw new CheckpointException(file, "holds " + list.size() + " characters for a model of "
                    + config.chars() + " character ids; the checkpoint is damaged or was not written by "
                    + "'striate charlm train'");
        }
        int[] codePoints = new int[list.size()];
        for (int id = 0; id < codePoints.length; id++) {
            String s = list.get(id);
            if (s.codePointCount(0, s.length()) != 1) {
                throw new CheckpointException(file, "its character " + id + " is '" + s + "', not one character; the "
                        + "checkpoint was not written by 'striate charlm train'");
            }
            codePoints[id] = s.codePointAt(0);
        }
        CharVocabulary chars;
        try {
            chars = CharVocabulary.of(codePoints);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(file, "its character vocabulary cannot be used: " + e.getMessage());
        }
        CharLstm model = new CharLstm(config, 0);
        c.restoreInto(model);
        model.to(device);
        model.eval();
        return new CharLmCheckpoint(c, model, chars);
    }
}
