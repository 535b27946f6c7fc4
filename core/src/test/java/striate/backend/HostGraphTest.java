package striate.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.amp.GradScaler;
import striate.autograd.Autocast;
import striate.nn.Linear;
import striate.nn.Losses;
import striate.nn.Parameter;
import striate.nn.ReLU;
import striate.nn.Sequential;
import striate.op.RandomDraw;
import striate.op.RandomUniformOp;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.RandomStream;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;

class HostGraphTest {
    private static final Device REF = Device.reference();
    private static final Backend BACKEND = Backends.of(REF);

    private static Tensor uniform(long seed, long... dims) {
        return Tensor.rand(REF, DType.F32, Shape.of(dims), -1, 1, seed);
    }

    @Test
    void theWorkRunsAtReplayOnTheInputsCurrentContents() {
        Tensor a = uniform(1, 4, 5);
        Tensor b = uniform(2, 5, 3);
        Tensor[] out = new Tensor[1];
        try (CapturedGraph graph = BACKEND.captureGraph(() -> out[0] = a.matmul(b).relu().sum(1, false))) {
            assertTrue(((HostGraph) graph).size() >= 3, "a product, a ReLU and a sum are recorded");
            for (long seed = 10; seed < 13; seed++) {
                a.copyFrom(uniform(seed, 4, 5));
                graph.replay();
                assertArrayEquals(a.matmul(b).relu().sum(1, false).toFloatArray(), out[0].toFloatArray());
            }
        }
    }

    @Test
    void memoryZeroedAtCaptureIsZeroedAgainAtEveryReplay() {
        Tensor a = uniform(3, 6);
        Tensor[] acc = new Tensor[1];
        try (CapturedGraph graph = BACKEND.captureGraph(() -> {
            acc[0] = Tensor.zeros(REF, DType.F32, 6);
            acc[0].copyFrom(acc[0].add(a));
        })) {
            graph.replay();
            graph.replay();
            assertArrayEquals(a.toFloatArray(), acc[0].toFloatArray(), "a, not 2a: the sum starts from zeros again");
        }
    }

    @Test
    void aTrainingStepReplayedEqualsTheSameStepsRunEagerly() {
        Sequential eager = net();
        Sequential graphed = net();
        Optimizer eagerSgd = sgd(eager.namedParameters());
        Optimizer graphedSgd = sgd(graphed.namedParameters());
        Tensor x = uniform(20, 8, 6);
        Tensor y = Tensor.ofInts(REF, new int[] {0, 1, 2, 0, 1, 2, 0, 1}, 8);
        step(eager, eagerSgd, x, y); // warm-up of both: the momentum buffers exist before the capture
        step(graphed, graphedSgd, x, y);
        Tensor[] loss = new Tensor[1];
        try (CapturedGraph graph = BACKEND.captureGraph(() -> loss[0] = step(graphed, graphedSgd, x, y))) {
            assertArrayEquals(weights(eager), weights(graphed), "the capture itself changes no weight");
            for (long seed = 30; seed < 35; seed++) {
                Tensor batch = uniform(seed, 8, 6);
                double want = step(eager, eagerSgd, batch, y).item();
                x.copyFrom(batch);
                graph.replay();
                assertEquals(want, loss[0].item(), 0);
            }
        }
        assertArrayEquals(weights(eager), weights(graphed));
    }

    @Test
    void aFloat16StepWithItsLossScalerIsCapturedAndAReplaySkipsAnOverflowingStepOnTheDevice() {
        Sequential eager = net();
        Sequential graphed = net();
        Optimizer eagerSgd = sgd(eager.namedParameters());
        Optimizer graphedSgd = sgd(graphed.namedParameters());
        GradScaler eagerScaler = new GradScaler(65536, 2, 0.5, 3);
        GradScaler graphedScaler = new GradScaler(65536, 2, 0.5, 3);
        Tensor x = uniform(20, 8, 6);
        Tensor y = Tensor.ofInts(REF, new int[] {0, 1, 2, 0, 1, 2, 0, 1}, 8);
        float16Step(eager, eagerSgd, eagerScaler, x, y); // warm-up: the momentum buffers and the scaler's state
        float16Step(graphed, graphedSgd, graphedScaler, x, y);
        // a capture refuses reads: the scaler's unscale, skip and update are device work
        try (CapturedGraph graph = BACKEND.captureGraph(() -> float16Step(graphed, graphedSgd, graphedScaler, x, y))) {
            for (long seed = 40; seed < 48; seed++) {
                Tensor batch = uniform(seed, 8, 6);
                if (seed == 42 || seed == 45) {
                    batch = batch.mul(1e6); // past float16's 65504: inf products, NaN gradients, a skipped step
                }
                float16Step(eager, eagerSgd, eagerScaler, batch, y);
                x.copyFrom(batch);
                graph.replay();
                if (seed > 40) { // the capture's own step() counted the first replay
                    graphedSgd.countReplayedStep();
                }
                assertArrayEquals(weights(eager), weights(graphed), "weights after batch " + seed);
                assertEquals(eagerScaler.scale(), graphedScaler.scale(), "scale after batch " + seed);
                assertEquals(eagerScaler.growthTracker(), graphedScaler.growthTracker(), "after batch " + seed);
            }
        }
        assertEquals(2, graphedScaler.skippedSteps());
        assertEquals(2, eagerScaler.skippedSteps());
        // grown after 3 good steps in a row (the warm-up, batches 40 and 41), halved at batches 42 and 45
        assertEquals(65536 * 0.5 * 0.5 * 2, graphedScaler.scale());
        assertEquals(eagerSgd.steps(), graphedSgd.steps());
        assertEquals(1 + 8 - 2, graphedSgd.steps(), "the warm-up and 8 replays, 2 of them skipped");
    }

    /**
     * Dropout in float16 and bfloat16 (its input's type under autocast) is captured: its threshold p, a constant of
     * the input's type, is filled on the device. It was made from host memory, which a capture refuses, so a
     * mixed-precision model with dropout (AlexNet) always trained eagerly under --cuda-graphs auto.
     */
    @Test
    void dropoutInTheTwoByteTypesIsCaptured() {
        for (DType type : new DType[] {DType.F16, DType.BF16}) {
            Tensor x = uniform(50, 4096).affine(0.5, 1.5).to(type); // in [1, 2)
            Tensor[] out = new Tensor[1];
            try (CapturedGraph graph = BACKEND.captureGraph(() -> out[0] = striate.nn.Functional.dropout(x, 0.5, true,
                    7))) {
                graph.replay();
                float[] in = x.toFloatArray();
                float[] got = out[0].toFloatArray();
                int kept = 0;
                for (int i = 0; i < got.length; i++) {
                    assertTrue(got[i] == 0 || got[i] == 2 * in[i], type + " element " + i + ": " + got[i]);
                    kept += got[i] == 0 ? 0 : 1;
                }
                assertTrue(kept > 1800 && kept < 2300, type + ": " + kept + " of 4096 kept at p = 0.5");
            }
        }
    }

    @Test
    void readingValuesDuringACaptureIsRefusedAndTheNextCaptureWorks() {
        Tensor a = uniform(4, 3);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BACKEND.captureGraph(() -> a.add(a).sum().item()));
        assertTrue(e.getMessage().contains("being captured") && e.getMessage().contains("after a replay"),
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> BACKEND.captureGraph(() -> a.add(a).toFloatArray()));
        Tensor[] out = new Tensor[1];
        try (CapturedGraph graph = BACKEND.captureGraph(() -> out[0] = a.mul(2))) {
            graph.replay();
            assertEquals(2 * a.toFloatArray()[0], out[0].toFloatArray()[0]);
        }
    }

    @Test
    void hostValuesWrittenDuringACaptureAreRefusedAsACudaCaptureRefusesThem() {
        Tensor a = uniform(7, 3);
        IllegalStateException copy = assertThrows(IllegalStateException.class,
                () -> BACKEND.captureGraph(() -> a.add(Tensor.of(REF, new float[] {1, 2, 3}))));
        assertTrue(copy.getMessage().contains("keep the values of the capture"), copy.getMessage());
        assertThrows(IllegalStateException.class, () -> BACKEND.captureGraph(() -> a.copyFrom(new double[] {1, 2, 3})));
        Tensor[] out = new Tensor[1];
        try (CapturedGraph graph = BACKEND.captureGraph(() -> out[0] = a.mul(Tensor.scalar(REF, DType.F32, 2.5)))) {
            graph.replay(); // a float32 constant is filled on the device during a capture
            assertArrayEquals(a.mul(2.5).toFloatArray(), out[0].toFloatArray());
        }
    }

    @Test
    void memoryOfTheGraphOutlivesTheScopeItWasCapturedIn() {
        Tensor a = uniform(5, 64);
        Tensor[] out = new Tensor[1];
        CapturedGraph graph;
        try (MemoryScope scope = MemoryScope.open()) {
            graph = BACKEND.captureGraph(() -> out[0] = a.mul(3).add(1));
        }
        try (MemoryScope other = MemoryScope.open()) {
            Tensor.zeros(REF, DType.F32, 64).add(7); // would reuse the scope's blocks, were they the graph's
            graph.replay();
        }
        assertArrayEquals(a.mul(3).add(1).toFloatArray(), out[0].toFloatArray());
        graph.close();
        assertThrows(IllegalStateException.class, graph::replay);
    }

    @Test
    void drawsInARandomStreamChangeAtEveryReplayAsTheStreamAdvances() {
        Tensor stream = Tensor.zeros(REF, DType.F32);
        Tensor[] u = new Tensor[1];
        try (CapturedGraph graph = BACKEND.captureGraph(() -> {
            try (RandomStream s = RandomStream.use(stream)) {
                u[0] = Tensor.rand(REF, DType.F32, Shape.of(50), 0, 1, 77); // the host seed, frozen in the graph
                s.advance();
            }
        })) {
            float[] previous = null;
            for (int k = 0; k < 3; k++) {
                graph.replay();
                float[] want = BACKEND.execute(new RandomUniformOp(Shape.of(50), 0, 1,
                        77 + k * RandomDraw.STREAM_STEP, DType.F32)).toFloatArray();
                assertArrayEquals(want, u[0].toFloatArray(), "replay " + k + " draws with seed + k·step");
                assertFalse(java.util.Arrays.equals(previous, want));
                previous = want;
            }
            assertEquals(3, stream.item(), 0);
        }
        assertArrayEquals(BACKEND.execute(new RandomUniformOp(Shape.of(50), 0, 1, 77, DType.F32)).toFloatArray(),
                Tensor.rand(REF, DType.F32, Shape.of(50), 0, 1, 77).toFloatArray(), "outside a stream: the seed alone");
    }

    @Test
    void capturesDoNotNest() {
        Tensor a = uniform(6, 3);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> BACKEND.captureGraph(() -> BACKEND.captureGraph(() -> a.add(a))));
        assertTrue(e.getMessage().contains("do not nest"), e.getMessage());
    }

    /**
     * A backward recorded before a replay that needs values the replay overwrote is refused, as after the same write
     * made eagerly, instead of reading the new values: a replayed copy, a replayed optimizer step (in place) and a
     * replayed kernel's output.
     */
    @Test
    void aBackwardThatNeedsValuesAReplayOverwroteIsRefused() {
        Tensor x = uniform(40, 8);
        Tensor src = uniform(41, 8);
        try (CapturedGraph copy = BACKEND.captureGraph(() -> x.copyFrom(src))) {
            Tensor w = Tensor.ones(REF, DType.F32, 8).requiresGrad(true);
            Tensor loss = x.mul(w).sum(); // d/dw = x as it is now
            copy.replay();
            refused(loss);
        }

        Parameter p = new Parameter(Tensor.zeros(REF, DType.F32, 3));
        Optimizer sgd = Sgd.builder(Map.of("p", p)).lr(0.5).build();
        p.value().setGrad(Tensor.full(REF, DType.F32, 10, 3));
        sgd.step(); // the first step eagerly: it makes no state, but the rule is the trainers'
        try (CapturedGraph step = BACKEND.captureGraph(sgd::step)) {
            Tensor loss = p.value().mul(p.value()).sum(); // d/dp = 2p as it is now
            step.replay();
            refused(loss);
        }

        Tensor a = uniform(42, 8);
        Tensor[] y = new Tensor[1];
        try (CapturedGraph twice = BACKEND.captureGraph(() -> y[0] = a.mul(2))) {
            twice.replay();
            Tensor w = Tensor.ones(REF, DType.F32, 8).requiresGrad(true);
            Tensor loss = y[0].mul(w).sum(); // d/dw = y as the first replay left it
            a.copyFrom(uniform(43, 8));
            twice.replay();
            refused(loss);
        }
    }

    private static void refused(Tensor loss) {
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("written in place since"), e.getMessage());
    }

    private static Tensor step(Sequential net, Optimizer sgd, Tensor x, Tensor y) {
        Tensor loss = Losses.crossEntropy(net.forward(x), y);
        sgd.zeroGrad();
        loss.backward();
        sgd.step();
        sgd.zeroGrad();
        return loss;
    }

    /** A float16 autocast step with dynamic loss scaling. */
    private static Tensor float16Step(Sequential net, Optimizer sgd, GradScaler scaler, Tensor x, Tensor y) {
        Tensor loss;
        try (Autocast.Scope on = Autocast.enable(DType.F16)) {
            loss = Losses.crossEntropy(net.forward(x), y);
        }
        sgd.zeroGrad();
        scaler.scale(loss).backward();
        scaler.step(sgd);
        scaler.update();
        sgd.zeroGrad();
        return loss;
    }

    private static Sequential net() {
        Rng rng = new Rng(9);
        return new Sequential(new Linear(6, 5, rng), new ReLU(), new Linear(5, 3, rng));
    }

    private static Optimizer sgd(Map<String, Parameter> parameters) {
        return Sgd.builder(parameters).lr(0.1).momentum(0.9).build();
    }

    private static float[] weights(Sequential net) {
        return net.namedParameters().values().stream().map(p -> p.value().toFloatArray())
                .reduce((p, q) -> {
                    float[] r = java.util.Arrays.copyOf(p, p.length + q.length);
                    System.arraycopy(q, 0, r, p.length, q.length);
                    return r;
                }).orElseThrow();
    }
}
