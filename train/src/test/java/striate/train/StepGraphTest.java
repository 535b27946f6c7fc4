package striate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.amp.GradScaler;
import striate.nn.Parameter;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * {@link StepGraph} on the reference backend's host graphs: a capture counts its optimizers' first replay, later
 * replays count one step each, and a capture that fails after the update undoes it: the optimizer forgets the step it
 * asked for, the loss scaler its step, and the generators their draws, whether the graph was required (the run stops)
 * or not (it goes on eagerly).
 */
class StepGraphTest {
    private static final Device REF = Device.reference();

    private final Parameter w = new Parameter(Tensor.of(REF, new float[] {0.5f, -0.25f, 2f}, 3));
    private final Tensor x = Tensor.of(REF, new float[] {1f, 2f, 3f}, 3);
    private final Optimizer sgd = Sgd.builder(Map.of("w", w)).lr(0.1).momentum(0.9).build();
    private final GradScaler scaler = new GradScaler();
    private final Rng rng = new Rng(7);
    private final Tensor stream = Tensor.zeros(REF, DType.F32);

    private StepGraph.Rules rules(boolean required) {
        return new StepGraph.Rules("the test step", required, scaler, () -> Map.of("rng", rng));
    }

    /** A scaled step of loss = Σ w·x: backward, the scaler's step and update. */
    private Tensor step() {
        Tensor loss = w.value().mul(x).sum();
        sgd.zeroGrad();
        scaler.scale(loss).backward();
        scaler.step(sgd);
        scaler.update();
        return loss;
    }

    @Test
    void theCaptureCountsTheFirstReplayAndEachLaterReplayOneStep() {
        step(); // eager: the optimizer's state exists before the capture (a first step is refused in one)
        StepGraph graph = StepGraph.capture(rules(true), List.of(sgd), stream, this::step);
        assertNotNull(graph);
        assertEquals(2, sgd.stepsAsked(), "the capture's own step()");
        graph.replay();
        assertEquals(2, sgd.stepsAsked(), "the first replay is the capture's step");
        graph.replay();
        graph.replay();
        assertEquals(4, sgd.stepsAsked());
        assertEquals(4, sgd.steps());
        graph.close();
    }

    @Test
    void aCaptureThatFailsAfterTheUpdateUndoesTheStepTheScalerAndTheDraws() {
        step(); // eager: the momentum buffer exists before the capture, as the trainers' warm-up makes it
        long drawsBefore = rng.state();
        StepGraph graph = StepGraph.capture(rules(false), List.of(sgd), stream, () -> {
            rng.nextLong(); // a host seed drawn in the capture (dropout's)
            Tensor loss = w.value().mul(x).sum();
            sgd.zeroGrad();
            scaler.scale(loss).backward();
            scaler.step(sgd); // recorded, never run
            loss.item(); // a host read: the capture fails here, after the update and before the scaler's update
        });
        assertNull(graph, "automatic graphs: the run goes on eagerly");
        assertEquals(1, sgd.stepsAsked(), "the failed capture's step is forgotten");
        assertEquals(drawsBefore, rng.state(), "the capture's draws are undone");
        step(); // throws when the scaler still holds the failed capture's unscale and step
        assertEquals(2, sgd.stepsAsked());
    }

    @Test
    void aRequiredGraphStopsTheRunWithTheReasonAfterTheSameUndo() {
        step();
        long drawsBefore = rng.state();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StepGraph.capture(rules(true), List.of(sgd), stream, () -> {
                    rng.nextLong();
                    step().item();
                }));
        assertTrue(e.getMessage().startsWith("--cuda-graphs on: the test step could not be captured: "),
                e.getMessage());
        assertEquals(1, sgd.stepsAsked());
        assertEquals(drawsBefore, rng.state());
    }
}
