package striate.train;

import striate.data.SequenceBatch;
import striate.nn.Losses;
import striate.tensor.Tensor;

/**
 * Sequence tagging for the {@link Trainer} (many-to-many: one class per token, a part-of-speech tagger): padded
 * ids x [b, t] with their lengths → logits [b, t, classes], cross-entropy over the tokens (padded positions, whose
 * target is {@link SequenceBatch#IGNORE_INDEX}, count for nothing), accuracy over tokens; throughput in sentences.
 */
public final class Tagging implements Task<SequenceBatch> {

    /** A tagger: ids int32 [b, t] padded after each sequence's length → logits [b, t, classes]. */
    @FunctionalInterface
    public interface Model {
        Tensor forward(Tensor ids, int[] lengths);
    }

    private final Model model;

    public Tagging(Model model) {
        this.model = model;
    }

    @Override
    public Metric metric() {
        return Metric.ACCURACY;
    }

    @Override
    public String unit() {
        return "sent";
    }

    @Override
    public Output forward(SequenceBatch batch) {
        Tensor logits = model.forward(batch.x(), batch.lengths());       // [b, t, classes]
        Tensor loss = Losses.sequenceCrossEntropy(logits, batch.y());    // mean over the real tokens
        return new Output(loss, correct(logits, batch.y()), batch.tokens(), batch.size());
    }

    /** Tokens whose highest logit is their target, padding (the ignore index) left out. */
    static long correct(Tensor logits, Tensor targets) {
        int[] predicted = Metrics.argmax(logits.reshape(-1, logits.dim(logits.rank() - 1))); // [b·t]
        int[] gold = targets.toIntArray();                                                    // [b·t]
        long correct = 0;
        for (int i = 0; i < gold.length; i++) {
            correct += gold[i] != SequenceBatch.IGNORE_INDEX && predicted[i] == gold[i] ? 1 : 0;
        }
        return correct;
    }
}
