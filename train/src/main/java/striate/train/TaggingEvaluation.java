package striate.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import striate.autograd.GradMode;
import striate.data.SequenceBatch;
import striate.data.SequenceLoader;
import striate.data.TaggedDocument;
import striate.data.TaggedSentence;
import striate.data.TaggingAccuracy;
import striate.data.TaggingDataset;
import striate.nn.Module;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * A tagger's predictions on every sentence of a {@link TaggingDataset}, in dataset order, in batches, in
 * evaluation mode without gradients: token and unknown-word accuracy ({@link TaggingAccuracy}, unknown as seen from
 * the training documents), the confusion matrix {@code confusion[gold][predicted]} over the tag ids, and the wall
 * time of the pass (batching, the model, reading the predictions back), for inference throughput.
 */
public record TaggingEvaluation(TaggingAccuracy accuracy, long[][] confusion, int sentences, double seconds) {

    /** Tag id {@code tag}'s tokens ({@code support}) and how many of them were tagged right. */
    public record TagAccuracy(int tag, long support, long correct) {
        public double accuracy() {
            return (double) correct / support;
        }
    }

    /** Tokens of tag id {@code gold} that were tagged {@code predicted}. */
    public record Confusion(int gold, int predicted, long count) {
    }

    /** The {@code n} tags with the most tokens (ties: tag order), with their accuracy. */
    public List<TagAccuracy> mostFrequentTags(int n) {
        List<TagAccuracy> all = new ArrayList<>();
        for (int g = 0; g < confusion.length; g++) {
            long support = 0;
            for (long v : confusion[g]) {
                support += v;
            }
            if (support > 0) {
                all.add(new TagAccuracy(g, support, confusion[g][g]));
            }
        }
        all.sort(Comparator.comparingLong(TagAccuracy::support).reversed());
        return List.copyOf(all.subList(0, Math.min(n, all.size())));
    }

    /** The {@code n} most frequent errors, gold tag → predicted tag (ties: gold, then predicted tag order). */
    public List<Confusion> topConfusions(int n) {
        List<Confusion> all = new ArrayList<>();
        for (int g = 0; g < confusion.length; g++) {
            for (int p = 0; p < confusion.length; p++) {
                if (g != p && confusion[g][p] > 0) {
                    all.add(new Confusion(g, p, confusion[g][p]));
                }
            }
        }
        all.sort(Comparator.comparingLong(Confusion::count).reversed());
        return List.copyOf(all.subList(0, Math.min(n, all.size())));
    }

    /** Sentences tagged per second. */
    public double sentencesPerSecond() {
        return sentences / seconds;
    }

    /**
     * Tags {@code data} with {@code tagger} (a module and its tagging forward pass) on {@code device}, batches of
     * {@code batchSize} sentences; {@code tags} is the number of tag ids. Restores the module's mode after.
     */
    public static <M extends Module & Tagging.Model> TaggingEvaluation of(M tagger, TaggingDataset data,
            List<TaggedDocument> training, int tags, Device device, int batchSize) {
        boolean wasTraining = tagger.isTraining();
        tagger.eval();
        TaggingAccuracy accuracy = new TaggingAccuracy(training);
        long[][] confusion = new long[tags][tags];
        long start = System.nanoTime();
        try (GradMode.Scope off = GradMode.off()) {
            SequenceLoader loader = SequenceLoader.builder(data, device).batchSize(batchSize).longestFirst().build();
            for (SequenceBatch batch : loader.epoch(0)) {
                try (MemoryScope scope = MemoryScope.open()) { // the batch's tensors go back to the pool after it
                    Tensor logits = tagger.forward(batch.x(), batch.lengths());               // [b, t, tags]
                    int[] predicted = Metrics.argmax(logits.reshape(-1, tags));              // [b·t]
                    int[] gold = batch.y().toIntArray();                                     // [b·t]
                    int t = batch.maxLength();
                    for (int k = 0; k < batch.size(); k++) {
                        TaggedSentence sentence = data.sentence(batch.indices()[k]);
                        for (int p = 0; p < batch.lengths()[k]; p++) {
                            int g = gold[k * t + p];
                            int y = predicted[k * t + p];
                            confusion[g][y]++;
                            accuracy.add(sentence.words().get(p), g == y);
                        }
                    }
                }
            }
        } finally {
            if (wasTraining) {
                tagger.train();
            }
        }
        return new TaggingEvaluation(accuracy, confusion, data.size(), (System.nanoTime() - start) / 1e9);
    }
}
