package striate.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static striate.parallel.Training.CPU0;
import static striate.parallel.Training.LENET;
import static striate.parallel.Training.MLP;
import static striate.parallel.Training.SGD;
import static striate.parallel.Training.assertBitIdentical;
import static striate.parallel.Training.assertClose;
import static striate.parallel.Training.cpus;
import static striate.parallel.Training.weights;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import striate.models.LeNet5;
import striate.nn.BatchNorm2d;
import striate.nn.Conv2d;
import striate.nn.Flatten;
import striate.nn.Linear;
import striate.nn.Module;
import striate.nn.ReLU;
import striate.nn.Sequential;
import striate.optim.Optimizer;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * N-way data parallel on N CPU devices (cpu:0 … cpu:N−1, one backend and one thread each) against one device on the
 * whole batch: after five SGD-with-momentum steps the weights agree within float rounding, for N = 1, 2, 3 and
 * batches that split evenly or not (12, 13, and 2 on 3 devices, which leaves one idle); N = 1 agrees bit for bit.
 * The replicas stay bit-identical to each other, and a second run gives the same bits.
 */
class DataParallelTest {
    private static final int STEPS = 5;
    private static final double RTOL = 1e-5; // the differences seen are about 1e-7

    /** Trains with N-way data parallel; returns replica 0's weights after checking every replica has the same. */
    private static Map<String, float[]> trainParallel(int n, Supplier<Module> model, List<Training.Batch> batches,
                                                      List<Double> losses) {
        return trainParallel(cpus(n), model, batches, losses);
    }

    private static Map<String, float[]> trainParallel(List<Device> devices, Supplier<Module> model,
                                                      List<Training.Batch> batches, List<Double> losses) {
        int n = devices.size();
        try (DataParallel dp = DataParallel.builder(devices, model, SGD).bucketBytes(16 << 10).build()) {
            for (Training.Batch b : batches) {
                DataParallel.StepResult r = dp.step(b.x(), b.y());
                assertEquals(b.y().dim(0), r.samples());
                losses.add(r.loss());
            }
            Map<String, float[]> first = weights(dp.module());
            for (int r = 1; r < n; r++) {
                assertBitIdentical(first, weights(dp.replica(r)), "replica " + r + " of " + n);
            }
            return first;
        }
    }

    private static void matchesOneDevice(Supplier<Module> model, List<Training.Batch> batches, int... ns) {
        Module single = model.get().to(CPU0);
        Map<String, float[]> initial = weights(single);
        List<Double> singleLosses = Training.trainOnOneDevice(single, SGD.apply(single), batches);
        Map<String, float[]> expected = weights(single);
        assertTrue(Training.largestChange(initial, expected) > 1000 * RTOL, "training barely moved the weights");
        String size = "batch " + batches.getFirst().y().dim(0);
        for (int n : ns) {
            List<Double> losses = new ArrayList<>();
            Map<String, float[]> got = trainParallel(n, model, batches, losses);
            if (n == 1) {
                assertBitIdentical(expected, got, "1 device, " + size);
                assertEquals(singleLosses, losses);
            } else {
                assertClose(expected, got, RTOL, n + " devices, " + size);
                for (int k = 0; k < losses.size(); k++) {
                    assertEquals(singleLosses.get(k), losses.get(k), 1e-5 * Math.abs(singleLosses.get(k)),
                            n + " devices, " + size + ": loss of step " + (k + 1));
                }
            }
        }
    }

    @Test
    void lenetOnAnEvenBatchMatchesOneDevice() {
        matchesOneDevice(LENET, Training.lenetBatches(STEPS, 12), 1, 2, 3);
    }

    @Test
    void lenetOnAnUnevenBatchMatchesOneDevice() {
        matchesOneDevice(LENET, Training.lenetBatches(STEPS, 13), 1, 2, 3);
    }

    @Test
    void mlpMatchesOneDeviceAlsoWhenADeviceGetsNoSamples() {
        matchesOneDevice(MLP, Training.mlpBatches(STEPS, 13), 1, 2, 3);
        matchesOneDevice(MLP, Training.mlpBatches(STEPS, 2), 3); // slices 1, 1, 0
    }

    @Test
    void twoReplicasOnOneDeviceMatchOneReplica() {
        List<Training.Batch> batches = Training.lenetBatches(STEPS, 13);
        Map<String, float[]> one = trainParallel(List.of(CPU0), LENET, batches, new ArrayList<>());
        Map<String, float[]> twoOnOne = trainParallel(List.of(CPU0, CPU0), LENET, batches, new ArrayList<>());
        Map<String, float[]> twoOnTwo = trainParallel(cpus(2), LENET, batches, new ArrayList<>());
        assertClose(one, twoOnOne, RTOL, "2 replicas on cpu:0");
        assertBitIdentical(twoOnTwo, twoOnOne, "2 replicas on one device vs on two"); // the same sums in the same order
    }

    @Test
    void theSameRunGivesTheSameBits() {
        List<Training.Batch> batches = Training.lenetBatches(3, 13);
        Map<String, float[]> a = trainParallel(3, LENET, batches, new ArrayList<>());
        Map<String, float[]> b = trainParallel(3, LENET, batches, new ArrayList<>());
        assertBitIdentical(a, b, "two runs of 3 devices");
    }

    @Test
    void theBatchIsSplitIntoContiguousSlicesAsEvenAsPossible() {
        assertArrayEquals(new long[] {0, 4, 7, 10}, DataParallel.bounds(10, 3));
        assertArrayEquals(new long[] {0, 5, 9, 13}, DataParallel.bounds(13, 3));
        assertArrayEquals(new long[] {0, 1, 2, 2}, DataParallel.bounds(2, 3));
        assertArrayEquals(new long[] {0, 7}, DataParallel.bounds(7, 1));
    }

    @Test
    void batchNormStatisticsAndDropoutStreamsStayPerReplicaWhileWeightsAgree() {
        Supplier<Module> net = () -> {
            Rng rng = new Rng(5);
            return new Sequential(new Conv2d(1, 4, 3, 1, 1, rng), new BatchNorm2d(4), new ReLU(), new Flatten(),
                    new Linear(4 * 28 * 28, 10, rng));
        };
        for (List<Device> devices : List.of(cpus(2), List.of(CPU0, CPU0))) { // two devices, or both on one
            try (DataParallel dp = DataParallel.builder(devices, net, SGD).build()) {
                for (Training.Batch b : Training.lenetBatches(2, 8)) {
                    dp.step(b.x(), b.y());
                }
                assertBitIdentical(weights(dp.module()), weights(dp.replica(1)), "replica 1 on " + devices);
                Tensor mean0 = dp.module().namedBuffers().get("1.running_mean");
                Tensor mean1 = dp.replica(1).namedBuffers().get("1.running_mean");
                assertNotEquals(mean0.toDoubleArray()[0], mean1.toDoubleArray()[0], "on " + devices + ", each "
                        + "replica's statistics come from its own slices");
            }
        }
        Supplier<Module> dropout = () -> new LeNet5(new LeNet5.Config(LeNet5.Activation.RELU, LeNet5.Pooling.MAX, 0.5,
                10), 42);
        try (DataParallel dp = DataParallel.builder(cpus(3), dropout, SGD).build()) {
            long[] states = new long[3];
            for (int r = 0; r < 3; r++) {
                states[r] = dp.replica(r).namedRngs().get("dropout.rng").state();
            }
            assertTrue(states[0] != states[1] && states[1] != states[2] && states[0] != states[2],
                    "replicas draw different dropout masks");
            for (Training.Batch b : Training.lenetBatches(2, 6)) {
                dp.step(b.x(), b.y());
            }
            assertBitIdentical(weights(dp.module()), weights(dp.replica(2)), "replica 2 with dropout");
        }
    }

    @Test
    void syncFromFirstCopiesWeightsAndOptimizerStateToEveryReplica() {
        List<Training.Batch> batches = Training.lenetBatches(4, 9);
        Module reference = LENET.get().to(CPU0);
        Optimizer referenceOpt = SGD.apply(reference);
        Training.trainOnOneDevice(reference, referenceOpt, batches.subList(0, 2));
        try (DataParallel dp = DataParallel.builder(cpus(3), LENET, SGD).build()) {
            dp.step(batches.get(3).x(), batches.get(3).y()); // some other history, to be overwritten
            // as when resuming from a checkpoint: weights and optimizer state into replica 0, then sync
            reference.namedParameters().forEach((name, p) -> dp.module().namedParameters().get(name).set(p.value()));
            dp.optimizer().loadState(referenceOpt.state());
            dp.syncFromFirst();
            for (int r = 1; r < 3; r++) {
                assertBitIdentical(weights(dp.module()), weights(dp.replica(r)), "replica " + r + " after the sync");
            }
            Training.trainOnOneDevice(reference, referenceOpt, batches.subList(2, 4));
            dp.step(batches.get(2).x(), batches.get(2).y());
            dp.step(batches.get(3).x(), batches.get(3).y());
            // the momentum came across: the two runs go on together
            assertClose(weights(reference), weights(dp.module()), RTOL, "after resuming");
            assertBitIdentical(weights(dp.module()), weights(dp.replica(2)), "replica 2 after resuming");
        }
    }

    @Test
    void replica0sLearningRateIsEveryReplicas() {
        List<Training.Batch> batches = Training.mlpBatches(2, 8);
        Module single = MLP.get().to(CPU0);
        Optimizer opt = SGD.apply(single);
        opt.setLearningRate(0.2);
        Training.trainOnOneDevice(single, opt, batches);
        try (DataParallel dp = DataParallel.builder(cpus(2), MLP, SGD).build()) {
            dp.optimizer().setLearningRate(0.2); // as a schedule does
            batches.forEach(b -> dp.step(b.x(), b.y()));
            assertBitIdentical(weights(dp.module()), weights(dp.replica(1)), "replica 1");
            assertClose(weights(single), weights(dp.module()), RTOL, "at learning rate 0.2");
        }
    }
}
