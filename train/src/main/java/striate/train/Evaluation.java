package striate.train;

import striate.autograd.GradMode;
import striate.data.Batch;
import striate.data.DataLoader;
import striate.data.Dataset;
import striate.nn.Losses;
import striate.nn.Module;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * A model's mean cross-entropy loss and predictions on a dataset, computed in eval mode without gradients in
 * batches. {@code predicted[i]} is the argmax class of example i; {@code actual[i]} its label.
 */
public record Evaluation(double loss, int[] predicted, int[] actual, int classes) {

    /** The number of examples predicted correctly. */
    public int correct() {
        int right = 0;
        for (int i = 0; i < actual.length; i++) {
            right += predicted[i] == actual[i] ? 1 : 0;
        }
        return right;
    }

    /** The fraction of examples predicted correctly. */
    public double accuracy() {
        return metrics().accuracy();
    }

    public Metrics metrics() {
        return Metrics.of(predicted, actual, classes);
    }

    /**
     * A batch size for evaluating {@code data}: large batches are faster, so up to 1,000 examples, but at most
     * 16 Mi input floats (64 MiB) per batch, and never below the training batch size: 1,000 for 28×28 images,
     * 128 for AlexNet's 224×224 RGB trained at batch 128.
     */
    public static int batchSizeFor(Dataset data, int trainingBatchSize) {
        int byMemory = (int) Math.max(1, (16L << 20) / Math.max(1, data.exampleSize()));
        return Math.max(trainingBatchSize, Math.min(1000, byMemory));
    }

    /** Runs {@code model} over {@code data} on {@code device}, building batches on one thread. */
    public static Evaluation of(Module model, Dataset data, Device device, int batchSize) {
        return of(model, data, device, batchSize, 1);
    }

    /**
     * Runs {@code model} over {@code data} (each example's deterministic {@link Dataset#image}, never an augmented
     * sample) on {@code device}, with {@code workers} threads building the batches ahead; restores the model's
     * train/eval mode after.
     */
    public static Evaluation of(Module model, Dataset data, Device device, int batchSize, int workers) {
        boolean training = model.isTraining();
        model.eval();
        int n = data.size();
        int[] predicted = new int[n];
        int[] actual = new int[n];
        double lossSum = 0;
        try (GradMode.Scope off = GradMode.off();
             DataLoader loader = DataLoader.builder(data, device).batchSize(batchSize).augment(false)
                     .workers(workers).build()) {
            int start = 0;
            DataLoader.Batches batches = loader.iterator(0);
            while (batches.hasNext()) {
                try (MemoryScope scope = MemoryScope.open()) { // the batch's tensors go back to the pool after it
                    Batch batch = batches.next();
                    int b = batch.size();
                    Tensor logits = model.forward(batch.x());
                    Tensor loss = Losses.crossEntropy(logits, batch.y());
                    lossSum += loss.item() * b;
                    System.arraycopy(Metrics.argmax(logits), 0, predicted, start, b);
                    System.arraycopy(batch.y().toIntArray(), 0, actual, start, b);
                    start += b;
                }
            }
        } finally {
            if (training) {
                model.train();
            }
        }
        return new Evaluation(n == 0 ? Double.NaN : lossSum / n, predicted, actual, data.classes());
    }
}
