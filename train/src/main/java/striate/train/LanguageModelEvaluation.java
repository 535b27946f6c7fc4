package striate.train;

import striate.autograd.GradMode;
import striate.data.SequenceBatch;
import striate.nn.Module;
import striate.tensor.MemoryScope;

/**
 * A language model's bits per character over a pass of windows ({@code StreamBatches} or {@code DocumentWindows}),
 * run as {@link LanguageModeling} runs them (the state carried from window to window, from zeros at the start), in
 * evaluation mode (no dropout) without gradients: the cross-entropy summed over every predicted character, in bits,
 * divided by the characters predicted. Each window's memory goes back to the pool after it.
 */
public record LanguageModelEvaluation(double bits, long characters, double seconds) {

    /** Runs {@code task}'s model, which is {@code model}, over {@code windows}; the model's mode is restored after. */
    public static LanguageModelEvaluation of(Module model, LanguageModeling task, Iterable<SequenceBatch> windows) {
        boolean wasTraining = model.isTraining();
        model.eval();
        task.beforePass(false);
        double bits = 0;
        long characters = 0;
        long start = System.nanoTime();
        try (GradMode.Scope off = GradMode.off()) {
            for (SequenceBatch window : windows) {
                try (MemoryScope scope = MemoryScope.open()) {
                    Task.Output out = task.forward(window);
                    bits += out.metricSum();
                    characters += out.units();
                    task.afterBatch(scope);
                }
            }
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        if (characters == 0) {
            throw new IllegalArgumentException("no characters to predict: every held-out text is shorter than 2 "
                    + "characters");
        }
        return new LanguageModelEvaluation(bits, characters, (System.nanoTime() - start) / 1e9);
    }

    public double bitsPerCharacter() {
        return bits / characters;
    }

    /** Characters predicted per second. */
    public double charactersPerSecond() {
        return characters / seconds;
    }
}
