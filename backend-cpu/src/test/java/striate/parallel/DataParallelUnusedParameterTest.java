package striate.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static striate.parallel.Training.CPU0;
import static striate.parallel.Training.assertBitIdentical;
import static striate.parallel.Training.assertClose;
import static striate.parallel.Training.cpus;
import static striate.parallel.Training.weights;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import striate.models.Mlp;
import striate.nn.Linear;
import striate.nn.Module;
import striate.optim.Adam;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * A parameter that no replica's backward reaches gets no gradient, so the optimizer leaves it alone, as on one device
 * and as PyTorch's DDP does: weight decay, momentum and Adam's moments and count do not touch it. Before the usage
 * flags it got zeros, and weight decay moved it at every step. One that some replica reaches (the others idle on a
 * short batch) is stepped with the sum, as on one device.
 */
class DataParallelUnusedParameterTest {
    private static final int STEPS = 4;

    /** An MLP [20 → 16 → 5] used by forward, and a head [20 → 5] registered after it that forward never uses. */
    static final class WithSpareHead extends Module {
        private final Mlp mlp;

        WithSpareHead() {
            mlp = registerModule("mlp", new Mlp(new Rng(7), DType.F32, Mlp.Activation.TANH, Mlp.Activation.IDENTITY,
                    20, 16, 5));
            registerModule("spare", new Linear(20, 5, new Rng(11)));
        }

        @Override
        public Tensor forward(Tensor x) {
            return mlp.forward(x);
        }
    }

    private static final Supplier<Module> MODEL = WithSpareHead::new;
    private static final Function<Module, Optimizer> SGD_DECAY = m -> Sgd.builder(m.namedParameters()).lr(0.05)
            .momentum(0.9).weightDecay(0.01).build();
    private static final Function<Module, Optimizer> ADAMW = m -> Adam.builder(m.namedParameters()).lr(0.01)
            .weightDecay(0.1).decoupled(true).build();

    private static Map<String, float[]> parallel(int n, Function<Module, Optimizer> optimizer, int batch) {
        try (DataParallel dp = DataParallel.builder(cpus(n), MODEL, optimizer).build()) {
            for (Training.Batch b : Training.mlpBatches(STEPS, batch)) {
                dp.step(b.x(), b.y());
            }
            Map<String, float[]> first = weights(dp.module());
            for (int r = 1; r < n; r++) {
                assertBitIdentical(first, weights(dp.replica(r)), "replica " + r);
            }
            return first;
        }
    }

    private static void matchesOneDevice(Function<Module, Optimizer> optimizer, String what) {
        Module single = MODEL.get().to(CPU0);
        Map<String, float[]> initial = weights(single);
        Training.trainOnOneDevice(single, optimizer.apply(single), Training.mlpBatches(STEPS, 12));
        Map<String, float[]> expected = weights(single);
        assertArrayEquals(initial.get("spare.weight"), expected.get("spare.weight"), what + ": one device");
        assertNotEquals(initial.get("mlp.0.weight")[0], expected.get("mlp.0.weight")[0], what + ": trained");

        Map<String, float[]> got = parallel(2, optimizer, 12);
        assertArrayEquals(initial.get("spare.weight"), got.get("spare.weight"), what + ": the unused weight");
        assertArrayEquals(initial.get("spare.bias"), got.get("spare.bias"), what + ": the unused bias");
        assertClose(expected, got, 1e-5, what + ": 2 devices against one");
    }

    @Test
    void anUnusedParameterIsLeftAloneBySgdWithWeightDecay() {
        matchesOneDevice(SGD_DECAY, "SGD, momentum 0.9, weight decay 0.01");
    }

    @Test
    void anUnusedParameterIsLeftAloneByAdamW() {
        matchesOneDevice(ADAMW, "AdamW, weight decay 0.1");
    }

    @Test
    void aParameterOnlyOneReplicaReachesIsStepped() {
        // batch 1 on 2 devices: replica 1 has no samples and reaches nothing, replica 0 reaches the MLP
        Module single = MODEL.get().to(CPU0);
        Training.trainOnOneDevice(single, ADAMW.apply(single), Training.mlpBatches(STEPS, 1));
        assertClose(weights(single), parallel(2, ADAMW, 1), 1e-6, "batch 1 on 2 devices");
    }
}
