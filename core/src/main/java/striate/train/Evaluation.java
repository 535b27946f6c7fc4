package striate.train;

import striate.autograd.GradMode;
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

    /** The fraction of examples predicted correctly. */
    public double accuracy() {
        return metrics().accuracy();
    }

    public Metrics metrics() {
        return Metrics.of(predicted, actual, classes);
    }

    /** Runs {@code model} over {@code data} on {@code device}; restores the model's train/eval mode after. */
    public static Evaluation of(Module model, Dataset data, Device device, int batchSize) {
        boolean training = model.isTraining();
        model.eval();
        int n = data.size();
        int[] predicted = new int[n];
        int[] actual = new int[n];
        double lossSum = 0;
        float[] batch = new float[batchSize * data.exampleSize()];
        try (GradMode.Scope off = GradMode.off()) {
            for (int start = 0; start < n; start += batchSize) {
                int b = Math.min(batchSize, n - start);
                int[] labels = new int[b];
                for (int i = 0; i < b; i++) {
                    data.image(start + i, batch, i * data.exampleSize());
                    labels[i] = data.label(start + i);
                }
                float[] x = b == batchSize ? batch : java.util.Arrays.copyOf(batch, b * data.exampleSize());
                try (MemoryScope scope = MemoryScope.open()) { // the batch's tensors go back to the pool after it
                    Tensor input = Tensor.of(device, x, b, data.channels(), data.height(), data.width());
                    Tensor logits = model.forward(input);
                    Tensor loss = Losses.crossEntropy(logits, Tensor.ofInts(device, labels));
                    lossSum += loss.item() * b;
                    System.arraycopy(Metrics.argmax(logits), 0, predicted, start, b);
                }
                System.arraycopy(labels, 0, actual, start, b);
            }
        } finally {
            if (training) {
                model.train();
            }
        }
        return new Evaluation(n == 0 ? Double.NaN : lossSum / n, predicted, actual, data.classes());
    }
}
