package striate.gan;

import java.util.List;
import striate.data.Batch;
import striate.optim.Optimizer;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.RandomStream;
import striate.tensor.Tensor;
import striate.train.StepGraph;

/**
 * The GAN trainer's step captured and replayed ({@code --cuda-graphs}): one graph for a discriminator step and, when
 * the recipe takes several D steps per G step, another for a D step followed by a G step; each replay runs a whole
 * step with one launch. The real batch (and its labels) is copied into the graphs' input tensors before each replay;
 * the D loss, D's mean outputs and the G loss land in one [4] tensor that is read after the replay (one wait), so the
 * history and {@link Collapse} see every step as in eager training. Latents and the gradient penalty's mixing draw
 * from a {@link RandomStream} that each replay advances. In every epoch the first {@link #WARMUP_STEPS} steps, and
 * each kind of step until it has run once, run eagerly (so both optimizers' state exists before a capture), and a
 * last partial batch too. Unlike an eager step, a replay applies the updates whatever the losses: a diverging run is
 * stopped by Collapse at that step, with the last good checkpoint kept. A capture that fails (work that reads values
 * or writes host values) stops a required run with the reason, and leaves an automatic one eager after one log line
 * ({@link StepGraph}, which also counts each optimizer's replayed steps and undoes a failed capture).
 */
final class GraphedGanStep {
    /** Eager steps at the start of every epoch, before the first capture. */
    static final int WARMUP_STEPS = 3;

    private final GanTrainer trainer;
    private final StepGraph.Rules rules;
    private final Tensor out;    // [4]: D loss, mean D(x), mean D(G(z)), G loss (NaN-free 0 when no G step)
    private final Tensor stream; // scalar: replays since the captures, which the random draws follow
    private final Tensor zero;
    private Tensor x;
    private Tensor y;
    private StepGraph criticGraph;    // a D step
    private StepGraph generatorGraph; // a D step and a G step
    private int eagerSteps;
    private boolean criticRan;
    private boolean generatorRan;
    private boolean failed; // a capture failed (automatic graphs: eager from then on)
    private final java.util.Set<striate.tensor.Shape> ranEagerly = new java.util.HashSet<>(); // since the last close

    GraphedGanStep(GanTrainer trainer, Device device, boolean required) {
        this.trainer = trainer;
        this.rules = new StepGraph.Rules("the GAN's training step", required, null, trainer::generators);
        this.out = MemoryScope.outside(() -> Tensor.zeros(device, DType.F32, 4));
        this.stream = MemoryScope.outside(() -> Tensor.zeros(device, DType.F32));
        this.zero = MemoryScope.outside(() -> Tensor.zeros(device, DType.F32));
    }

    /** Closes the graphs: the epoch starts with eager steps, then captures again. */
    void beforeEpoch() {
        close();
        eagerSteps = 0;
        criticRan = false;
        generatorRan = false;
    }

    /**
     * Replays the step on {@code batch} ({@code generatorStep}: a D step and a G step, else a D step) and returns
     * [D loss, mean D(x), mean D(G(z)), G loss]; null when this step must run eagerly (then it counts it).
     */
    double[] run(Batch batch, boolean generatorStep) {
        boolean conditional = trainer.gan().conditional();
        // a graph is captured only on a batch shape an eager step ran (cuDNN cannot search a new shape in a capture:
        // a short last batch must not be the one captured), and replayed only on its own shape
        boolean sameShape = x == null ? ranEagerly.contains(batch.x().shape()) : batch.x().shape().equals(x.shape());
        boolean ranOnce = generatorStep ? generatorRan : criticRan;
        if (failed || !sameShape || eagerSteps < WARMUP_STEPS || !ranOnce) {
            eagerSteps++;
            ranEagerly.add(batch.x().shape());
            if (generatorStep) {
                generatorRan = true;
            } else {
                criticRan = true;
            }
            return null;
        }
        if (x == null) {
            x = MemoryScope.outside(() -> batch.x().copy());
            y = conditional ? MemoryScope.outside(() -> batch.y().copy()) : null;
        }
        StepGraph graph = generatorStep ? generatorGraph : criticGraph;
        if (graph == null) {
            graph = capture(generatorStep);
            if (graph == null) {
                eagerSteps++;
                return null;
            }
        }
        x.copyFrom(batch.x());
        if (y != null) {
            y.copyFrom(batch.y());
        }
        graph.replay();
        return out.toDoubleArray();
    }

    /** Captures one kind of step; null (automatic graphs) when the capture failed and the run goes on eagerly. */
    private StepGraph capture(boolean generatorStep) {
        if (criticGraph == null && generatorGraph == null) {
            stream.copyFrom(zero);
        }
        int b = (int) x.dim(0);
        Optimizer critic = trainer.gan().discriminatorOptimizer();
        List<Optimizer> optimizers = generatorStep ? List.of(critic, trainer.gan().generatorOptimizer())
                : List.of(critic);
        StepGraph graph = StepGraph.capture(rules, optimizers, stream, () -> {
            GanTrainer.CriticTerms terms = trainer.criticTerms(x, y);
            trainer.criticUpdate(terms.loss());
            Tensor g = generatorStep ? trainer.generatorUpdate(b).to(DType.F32) : zero;
            out.copyFrom(Tensor.cat(0, terms.values(), g.reshape(1)));
        });
        if (graph == null) { // eager from here: the other kind's graph and the input tensors are not needed either
            failed = true;
            close();
        } else if (generatorStep) {
            generatorGraph = graph;
        } else {
            criticGraph = graph;
        }
        return graph;
    }

    /** Gives both graphs' memory back. */
    void close() {
        ranEagerly.clear();
        if (criticGraph != null) {
            criticGraph.close();
            criticGraph = null;
        }
        if (generatorGraph != null) {
            generatorGraph.close();
            generatorGraph = null;
        }
        x = null;
        y = null;
    }
}
