package striate.cli;

import java.io.IOException;
import java.nio.file.Path;
import striate.models.BiLstmTagger;
import striate.models.CharLstm;
import striate.nn.Module;
import striate.tensor.Device;
import striate.train.Checkpoint;

/** A model rebuilt from a checkpoint: the registered model named in it, configured and loaded, on a device. */
record CheckpointModel(Checkpoint checkpoint, Module model) {
    static CheckpointModel load(Path file, Device device) throws IOException {
        Checkpoint c = Checkpoint.load(file);
        if (c.modelName().equals(BiLstmTagger.NAME)) {
            throw new IllegalArgumentException(file + " is a checkpoint of the part-of-speech tagger (" + c.modelName()
                    + "), not of an image classifier; use 'striate tagger evaluate' or 'striate tagger tag'");
        }
        if (c.modelName().equals(CharLstm.NAME)) {
            throw new IllegalArgumentException(file + " is a checkpoint of the character language model (" + c.modelName()
                    + "), not of an image classifier; use 'striate charlm evaluate' or 'striate generate'");
        }
        Models.Entry entry = Models.find(c.modelName()).orElseThrow(() -> new IllegalArgumentException(file
                + " holds a model called '" + c.modelName() + "', which this version of striate does not know; models: "
                + String.join(", ", Models.names())));
        Module m = entry.factory().apply(c.modelConfig());
        c.restoreInto(m);
        m.to(device);
        m.eval();
        return new CheckpointModel(c, m);
    }
}
