package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.backend.Backends;
import striate.data.ImageDataset;
import striate.models.LeNet5;
import striate.nn.BatchNorm2d;
import striate.nn.Conv2d;
import striate.nn.Flatten;
import striate.nn.Linear;
import striate.nn.Losses;
import striate.nn.MaxPool2d;
import striate.nn.Module;
import striate.nn.ReLU;
import striate.nn.Sequential;
import striate.optim.Adam;
import striate.optim.LrSchedule;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.MemoryStats;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;
import striate.train.Checkpoint;
import striate.train.Trainer;

/**
 * Training steps on {@code Device.cpu()} inside {@link MemoryScope}s: once the first step has filled the pool, a
 * step allocates no new memory, the results are bit-identical to the same steps without scopes, nothing stays in
 * use afterwards, and a CPU kernel refuses an input whose scope has closed.
 */
class TrainingMemoryTest {
    private static final Device CPU = Device.cpu();
    private static final int BATCH = 4;
    private static final int STEPS = 6;

    private static MemoryStats stats() {
        return Backends.of(CPU).memoryStats();
    }

    /** One step as the Trainer runs it, on batch {@code k} (images [4, 1, 28, 28], labels [4]); returns the loss. */
    private static double step(Module net, Optimizer opt, int k) {
        Tensor x = Tensor.rand(CPU, DType.F32, Shape.of(BATCH, 1, 28, 28), -1, 1, 1000 + k);
        Rng rng = new Rng(k);
        int[] labels = new int[BATCH];
        for (int i = 0; i < BATCH; i++) {
            labels[i] = rng.nextInt(10);
        }
        Tensor loss = Losses.crossEntropy(net.forward(x), Tensor.ofInts(CPU, labels));
        double value = loss.item();
        opt.zeroGrad();
        loss.backward();
        opt.step();
        opt.zeroGrad();
        return value;
    }

    /**
     * Runs {@link #STEPS} steps of two equal models, {@code plain} without scopes and {@code scoped} with one scope
     * per step; checks that the scoped steps after the first allocate nothing new and that both end identical.
     */
    private static void trainBoth(Module plain, Optimizer plainOpt, Module scoped, Optimizer scopedOpt) {
        double[] plainLoss = new double[STEPS];
        double[] scopedLoss = new double[STEPS];
        for (int k = 0; k < STEPS; k++) {
            plainLoss[k] = step(plain, plainOpt, k);
        }
        MemoryStats start = stats();
        MemoryStats warm = null;
        for (int k = 0; k < STEPS; k++) {
            try (MemoryScope scope = MemoryScope.open()) {
                scopedLoss[k] = step(scoped, scopedOpt, k);
            }
            if (k == 0) {
                warm = stats();
            }
        }
        MemoryStats end = stats();
        assertEquals(warm.freshAllocations(), end.freshAllocations(), "fresh allocations after the first step");
        // the batch-norm net's step has about 30 blocks since batch norm became one fused op (about 40 before)
        assertTrue(end.reusedAllocations() - warm.reusedAllocations() >= 25L * (STEPS - 1),
                "every later step reuses its dozens of blocks: " + warm + " → " + end);
        assertEquals(start.bytesInUse(), end.bytesInUse(), "every step gave all its memory back");
        assertArrayEquals(plainLoss, scopedLoss, "losses");
        assertSameState(Checkpoint.stateOf(plain), Checkpoint.stateOf(scoped));
        assertSameState(plainOpt.state(), scopedOpt.state());
    }

    private static void assertSameState(Map<String, Tensor> want, Map<String, Tensor> got) {
        assertEquals(want.keySet(), got.keySet());
        want.forEach((name, t) -> assertArrayEquals(t.toDoubleArray(), got.get(name).toDoubleArray(), name));
    }

    @Test
    void leNetStepsAllocateNothingNewOnceWarmAndMatchStepsWithoutScopes() {
        LeNet5.Config config = new LeNet5.Config(LeNet5.Activation.RELU, LeNet5.Pooling.MAX, 0.25, 10);
        LeNet5 plain = new LeNet5(config, 42);
        LeNet5 scoped = new LeNet5(config, 42);
        plain.to(CPU);
        scoped.to(CPU);
        trainBoth(plain, Sgd.builder(plain.namedParameters()).lr(0.05).momentum(0.9).build(),
                scoped, Sgd.builder(scoped.namedParameters()).lr(0.05).momentum(0.9).build());
    }

    /** Batch-norm running statistics and Adam's moments are updated in place and survive every step's scope. */
    @Test
    void batchNormAndAdamStateSurviveTheStepScopes() {
        Module plain = convNet();
        Module scoped = convNet();
        trainBoth(plain, Adam.builder(plain.namedParameters()).lr(0.01).build(),
                scoped, Adam.builder(scoped.namedParameters()).lr(0.01).build());
    }

    private static Module convNet() {
        Rng rng = new Rng(5);
        return new Sequential(new Conv2d(1, 4, 5, 1, 0, rng), new BatchNorm2d(4), new ReLU(), new MaxPool2d(4, 4),
                new Flatten(), new Linear(4 * 6 * 6, 10, rng)).to(CPU);
    }

    /** Whole epochs through the Trainer: DataLoader batches, steps and validation reuse the first epoch's memory. */
    @Test
    void aSecondEpochOfTheTrainerAllocatesNothingNew() {
        Rng rng = new Rng(3);
        float[] x = new float[48 * 28 * 28];
        int[] y = new int[48];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = rng.nextInt(10);
        }
        ImageDataset data = new ImageDataset(x, y, 10, 1, 28, 28);
        LeNet5 net = new LeNet5(LeNet5.Config.defaults(), 1);
        net.to(CPU);
        Optimizer opt = Sgd.builder(net.namedParameters()).lr(0.01).momentum(0.9).build();
        Trainer.Options one = new Trainer.Options(1, 16, 7, 0.01, LrSchedule.constant(), 0, 0, "lenet5", "", null,
                null);
        new Trainer(net, opt, CPU, one).fit(data, data, null);
        MemoryStats warm = stats();
        new Trainer(net, opt, CPU, one).fit(data, data, null);
        MemoryStats end = stats();
        assertEquals(warm.freshAllocations(), end.freshAllocations(), warm + " → " + end);
        assertTrue(end.reusedAllocations() > warm.reusedAllocations(), warm + " → " + end);
        assertEquals(0, end.bytesInUse());
    }

    @Test
    void aCpuKernelRefusesATensorWhoseScopeClosed() {
        Tensor t;
        try (MemoryScope scope = MemoryScope.open()) {
            t = Tensor.rand(CPU, DType.F32, Shape.of(64, 64), -1, 1, 9);
            assertEquals(CpuBackend.class, t.backend().getClass());
        }
        for (Runnable use : new Runnable[] {t::relu, () -> t.matmul(t), () -> t.sum(1, false)}) {
            IllegalStateException e = assertThrows(IllegalStateException.class, use::run);
            assertTrue(e.getMessage().startsWith("tensor used after its MemoryScope closed"), e.getMessage());
        }
    }
}
