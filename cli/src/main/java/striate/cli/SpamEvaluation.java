package striate.cli;

import java.util.Iterator;
import java.util.List;
import striate.autograd.GradMode;
import striate.data.Batch;
import striate.data.MessageLoader;
import striate.data.SpamData;
import striate.data.SpamData.Example;
import striate.models.NaiveBayes;
import striate.nn.Module;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.train.Metrics;
import striate.train.SpamScores;

/**
 * A spam classifier's numbers on held-out messages: each batch through the model in evaluation mode without
 * gradients, the highest logit as the prediction, scored as {@link SpamScores}; and the naive Bayes baseline
 * (Laplace smoothing, alpha 1) fitted on the training messages' ids and scored on the same messages.
 */
record SpamEvaluation(SpamScores scores, double messagesPerSecond) {
    /** Naive Bayes' smoothing. */
    static final double ALPHA = 1.0;

    static SpamEvaluation of(Module model, List<Example> examples, int minLength, Device device, int batchSize) {
        model.eval();
        SpamScores scores = new SpamScores();
        MessageLoader loader = new MessageLoader(examples, batchSize, minLength, null, device);
        long start = System.nanoTime();
        try (GradMode.Scope off = GradMode.off()) {
            for (Iterator<Batch> it = loader.epoch(0); it.hasNext(); ) {
                try (MemoryScope scope = MemoryScope.open()) {  // the batch's tensors go back to the pool after it
                    Batch b = it.next();
                    int[] predicted = Metrics.argmax(model.forward(b.x()));  // [b]
                    int[] labels = b.y().toIntArray();                        // [b]
                    for (int i = 0; i < labels.length; i++) {
                        scores.add(labels[i], predicted[i]);
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new SpamEvaluation(scores, examples.size() / seconds);
    }

    /** Naive Bayes fitted on {@code data}'s training messages, scored on its test messages. */
    static SpamScores naiveBayes(SpamData data) {
        NaiveBayes nb = NaiveBayes.fit(data.train(), 2, data.vocabulary().size(), ALPHA);
        SpamScores scores = new SpamScores();
        for (Example e : data.test()) {
            scores.add(e.label(), nb.predict(e.ids()));
        }
        return scores;
    }
}
