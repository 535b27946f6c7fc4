package striate.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import striate.amp.GradScaler;
import striate.backend.Backends;
import striate.backend.CapturedGraph;
import striate.optim.Optimizer;
import striate.tensor.RandomStream;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * A training step captured once into a graph and replayed: what the graphed trainers ({@link GraphedStep}, the GAN
 * trainer's graphed step) share. The capture runs the step under a {@link RandomStream} that each replay advances. It
 * calls each of its optimizers' {@code step()} once, which counts the first replay; every later replay counts one step
 * of each ({@link Optimizer#countReplayedStep}). A capture that fails recorded work that never ran, so it is undone:
 * the optimizers forget the steps it asked for, the loss scaler its step, and the random generators (from which the
 * capture drew its host seeds, dropout's) get their states back, so the eager steps after it draw what they would
 * without graphs.
 */
public final class StepGraph implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StepGraph.class);

    /**
     * What all of a trainer's captures share: {@code what} names the step in a failure ("the training step"); a
     * {@code required} graph (--cuda-graphs on) stops the run when a capture fails, else the run goes on eagerly after
     * one log line; {@code scaler} is the loss scaler the step runs (null: none); {@code generators} the random
     * generators by name that the step draws from.
     */
    public record Rules(String what, boolean required, GradScaler scaler, Supplier<Map<String, Rng>> generators) {
    }

    private final CapturedGraph graph;
    private final List<Optimizer> optimizers;
    private boolean replayed;

    private StepGraph(CapturedGraph graph, List<Optimizer> optimizers) {
        this.graph = graph;
        this.optimizers = optimizers;
    }

    /**
     * Captures {@code step}, whose random draws follow {@code stream} (a float32 scalar on the step's device, which
     * each replay advances) and which calls {@code step()} of each of {@code optimizers} once. Returns null when the
     * capture failed and the graph is not required (the failure undone, one log line); a required graph's failure
     * throws {@link GraphMode#refusal}.
     */
    public static StepGraph capture(Rules rules, List<Optimizer> optimizers, Tensor stream, Runnable step) {
        long[] marks = optimizers.stream().mapToLong(Optimizer::stepsAsked).toArray();
        Map<String, Long> states = new LinkedHashMap<>();
        rules.generators().get().forEach((name, r) -> states.put(name, r.state()));
        try {
            CapturedGraph graph = Backends.of(stream.device()).captureGraph(() -> {
                try (RandomStream draws = RandomStream.use(stream)) { // dropout masks differ from replay to replay
                    step.run();
                    draws.advance();
                }
            });
            return new StepGraph(graph, List.copyOf(optimizers));
        } catch (RuntimeException e) { // a refused read or write, or a driver error ending the capture (CUDA)
            for (int i = 0; i < marks.length; i++) {
                optimizers.get(i).forgetStepsAfter(marks[i]); // the steps the capture recorded never ran
            }
            if (rules.scaler() != null) {
                rules.scaler().forgetStep();
            }
            rules.generators().get().forEach((name, r) -> { // one made during the capture has no state to go back to
                if (states.containsKey(name)) {
                    r.setState(states.get(name));
                }
            });
            GraphMode.captureFailed(rules.required(), rules.what(), e, LOG);
            return null;
        }
    }

    /** Runs the captured step once more (after the caller copied this step's inputs into the graph's tensors). */
    public void replay() {
        graph.replay();
        if (replayed) { // the capture ran step() of each optimizer once, which counted the first replay
            for (Optimizer o : optimizers) {
                o.countReplayedStep();
            }
        }
        replayed = true;
    }

    /** Gives the graph's memory back (after the device's work is done). */
    @Override
    public void close() {
        graph.close();
    }
}
