package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import striate.models.LeNet5;
import striate.nn.Module;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.parallel.DataParallel;
import striate.parallel.GradientExchange;
import striate.parallel.PeerWatch;
import striate.parallel.ProcessGroupEngine;
import striate.parallel.StepListener;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.Fixtures;

/**
 * NCCL on a GPU: one rank (ncclGetUniqueId + ncclCommInitRank) copies a known buffer to another with an
 * out-of-place all-reduce on cuda:0's stream, which proves the binding's signatures, the device addresses and the
 * stream handle; the one-GPU exchange sums a bucket that is a view at an offset and leaves its neighbours alone;
 * replicas sharing a GPU take the ring (step and exposed all-reduce time printed); and, on a machine with two GPUs,
 * NCCL data parallel matches one model. Skips with the reason when CUDA or NCCL is missing (the ring test needs
 * only CUDA).
 */
@Tag("gpu")
class NcclGpuTest {
    private static final Supplier<Module> LENET = () -> new LeNet5(LeNet5.Config.defaults(), 42);
    private static final Function<Module, Optimizer> SGD =
            m -> Sgd.builder(m.namedParameters()).lr(0.05).momentum(0.9).build();

    private static Nccl nccl() {
        Gpu.backend();
        try {
            return Nccl.load();
        } catch (NcclUnavailableException e) {
            assumeTrue(false, e.getMessage());
            throw e;
        }
    }

    private static float[] ramp(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = i * 0.5f - 7;
        }
        return v;
    }

    @Test
    void oneRankAllReduceCopiesAKnownBuffer() {
        Nccl nccl = nccl();
        CudaBackend cuda = Gpu.backend();
        assertTrue(nccl.version() >= 20000, "NCCL 2: " + nccl.version());
        Device gpu = Device.cuda(0);
        Tensor x = Tensor.of(gpu, ramp(1000));
        Tensor y = Tensor.zeros(gpu, x.dtype(), 1000);
        MemorySegment comm;
        try (Arena arena = Arena.ofConfined()) {
            synchronized (cuda.gpu()) {
                cuda.gpu().activate();
                comm = nccl.commInitRank(1, nccl.uniqueId(arena), 0);
                cuda.gpu().reactivate();
            }
        }
        try {
            assertEquals(1, nccl.count(comm));
            assertEquals(0, nccl.rank(comm));
            assertEquals(0, nccl.cudaDevice(comm));
            synchronized (cuda.gpu()) {
                nccl.allReduce(NativeAddress.of(CudaBackend.pointer(x)), NativeAddress.of(CudaBackend.pointer(y)),
                        1000, Nccl.FLOAT32, Nccl.SUM, comm, NativeAddress.handle(cuda.gpu().stream()));
            }
            assertArrayEquals(ramp(1000), y.toFloatArray(), "a one-rank sum is a copy, read back in stream order");
            assertEquals(0, nccl.asyncError(comm));
        } finally {
            nccl.commDestroy(comm);
        }
    }

    /**
     * A process group of one, as a one-worker Spark job on a GPU makes it: rank 0's id goes through bytes (as through
     * Spark's allGather) into ncclCommInitRank, and the average over one process leaves the bucket as it was.
     */
    @Test
    void aProcessGroupOfOneAveragesToTheBucketItself() {
        nccl();
        ProcessGroupEngine engine = ProcessGroupEngine.named("nccl").orElseThrow();
        Device gpu = Device.cuda(0);
        assertTrue(engine.unavailable(gpu).isEmpty(), () -> engine.unavailable(gpu).orElseThrow());
        byte[] id = engine.newGroupId();
        assertEquals(Nccl.UNIQUE_ID_BYTES, id.length);
        float[] values = ramp(300);
        Tensor flat = Tensor.of(gpu, values);
        try (GradientExchange exchange = engine.join(gpu, id, 1, 0, PeerWatch.timeout(PeerWatch.DEFAULT_TIMEOUT))) {
            exchange.allReduce(0, List.of(flat.slice(0, 32, 160)));
            exchange.finish(); // the backend's stream waits for the all-reduce before the read below
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertArrayEquals(values, flat.toFloatArray(), "the mean over one process is the bucket; its neighbours stay");
    }

    /**
     * The watchdog on a real communicator: when the launcher stops the job, the group is aborted (ncclCommAbort from
     * the watchdog's thread), a read of the GPU and the exchange's next all-reduce are refused with the reason, and
     * closing the aborted group returns (it does not destroy what the abort freed) and lets the GPU be read again.
     */
    @Test
    void aStoppedJobAbortsTheGroupAndClosingClearsTheGpu() throws Exception {
        nccl();
        ProcessGroupEngine engine = ProcessGroupEngine.named("nccl").orElseThrow();
        Device gpu = Device.cuda(0);
        float[] values = ramp(64);
        Tensor flat = Tensor.of(gpu, values);
        java.util.concurrent.atomic.AtomicReference<java.util.Optional<String>> stopped =
                new java.util.concurrent.atomic.AtomicReference<>(java.util.Optional.empty());
        GradientExchange exchange = engine.join(gpu, engine.newGroupId(), 1, 0,
                new PeerWatch(PeerWatch.DEFAULT_TIMEOUT, stopped::get));
        try {
            exchange.allReduce(0, List.of(flat));
            exchange.finish();
            assertArrayEquals(values, flat.toFloatArray(), "a healthy group of one leaves the bucket as it was");
            stopped.set(java.util.Optional.of("the test stopped it"));
            CollectiveAbortedException refused = null;
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (refused == null && System.nanoTime() < deadline) { // the watchdog looks every 200 ms
                try {
                    flat.toFloatArray();
                    Thread.sleep(50);
                } catch (CollectiveAbortedException e) {
                    refused = e;
                }
            }
            assertTrue(refused != null, "a read of the GPU is refused once the watchdog aborted the group");
            assertTrue(refused.getMessage().contains("the job stopped this rank (the test stopped it)"),
                    refused.getMessage());
            CollectiveAbortedException next = org.junit.jupiter.api.Assertions.assertThrows(
                    CollectiveAbortedException.class, () -> exchange.allReduce(1, List.of(flat)));
            assertTrue(next.getMessage().startsWith("NCCL all-reduce of bucket 1: NCCL rank 0 of 1 on cuda:0 aborted"),
                    next.getMessage());
        } finally {
            exchange.close();
        }
        assertEquals(64, flat.toFloatArray().length, "closing the aborted group clears the GPU's mark");
    }

    @Test
    void theExchangeReducesAViewInPlaceOnly() {
        Nccl nccl = nccl();
        Device gpu = Device.cuda(0);
        float[] values = ramp(300);
        Tensor flat = Tensor.of(gpu, values);
        try (NcclAllReduce exchange = new NcclAllReduce(nccl, List.of(gpu))) {
            exchange.allReduce(0, List.of(flat.slice(0, 64, 200)));
            exchange.finish();
        }
        assertArrayEquals(values, flat.toFloatArray(), "one rank: the bucket and its neighbours are unchanged");
    }

    /**
     * Two replicas on cuda:0 take the ring over device buffers; ten LeNet-5 steps at batch 64 per replica record
     * the step time and the exposed all-reduce (from the later replica's end of backward to the last bucket's
     * all-reduce), printed for the device script's log, and the replicas end identical.
     */
    @Test
    void replicasSharingAGpuTakeTheRingAndRecordStepAndExposedTime() {
        CudaBackend cuda = Gpu.backend();
        Device gpu = Device.cuda(0);
        AtomicLong lastBackward = new AtomicLong();
        AtomicLong lastReduce = new AtomicLong();
        StepListener timeline = new StepListener() {
            @Override
            public void backwardDone(int replica) {
                lastBackward.accumulateAndGet(System.nanoTime(), Math::max);
            }

            @Override
            public void reduceDone(int bucket) {
                lastReduce.accumulateAndGet(System.nanoTime(), Math::max);
            }
        };
        Tensor x = Fixtures.uniform(gpu, 7, 0, 1, 128, 1, 28, 28);
        Tensor y = Fixtures.labels(gpu, 8, 128, 10);
        try (DataParallel dp = DataParallel.builder(List.of(gpu, gpu), LENET, SGD).listener(timeline).build()) {
            assertEquals("ring", dp.exchangeChoice().name());
            assertTrue(dp.exchangeChoice().reason().contains("replicas share [cuda:0]"), dp.exchangeChoice().reason());
            int steps = 10;
            double[] stepMs = new double[steps];
            double[] exposedMs = new double[steps];
            for (int s = -3; s < steps; s++) {
                lastBackward.set(0);
                lastReduce.set(0);
                long t0 = System.nanoTime();
                dp.step(x, y);
                cuda.synchronize();
                long t1 = System.nanoTime();
                if (s >= 0) {
                    stepMs[s] = (t1 - t0) / 1e6;
                    exposedMs[s] = Math.max(0, lastReduce.get() - lastBackward.get()) / 1e6;
                    assertTrue(exposedMs[s] <= stepMs[s], "the exposed all-reduce is part of the step");
                }
            }
            Arrays.sort(stepMs);
            Arrays.sort(exposedMs);
            System.out.printf(Locale.ROOT, "two LeNet-5 replicas on cuda:0 (ring), batch 64 each: step %.2f ms, "
                    + "exposed all-reduce %.2f ms (medians of %d steps)%n", stepMs[steps / 2], exposedMs[steps / 2],
                    steps);
            Map<String, float[]> a = weights(dp.module());
            Map<String, float[]> b = weights(dp.replica(1));
            a.forEach((name, w) -> assertArrayEquals(w, b.get(name), "replicas differ in " + name));
        }
    }

    @Test
    void twoGpusWithNcclMatchOneModel() {
        nccl();
        int gpus = CudaProbe.report().gpus().size();
        assumeTrue(gpus >= 2, "NCCL between GPUs needs two; this machine has " + gpus);
        Device first = Device.cuda(0);
        Tensor x = Fixtures.uniform(first, 7, 0, 1, 13, 1, 28, 28);
        Tensor y = Fixtures.labels(first, 8, 13, 10);
        Module single = LENET.get().to(first);
        Optimizer opt = SGD.apply(single);
        try (DataParallel one = DataParallel.builder(List.of(first), () -> single, m -> opt).build()) {
            for (int step = 0; step < 3; step++) {
                one.step(x, y);
            }
        }
        try (DataParallel dp = DataParallel.builder(List.of(first, Device.cuda(1)), LENET, SGD).build()) {
            assertEquals("nccl", dp.exchangeChoice().name());
            for (int step = 0; step < 3; step++) {
                dp.step(x, y);
            }
            Map<String, float[]> a = weights(dp.module());
            Map<String, float[]> b = weights(dp.replica(1));
            Map<String, float[]> want = weights(single);
            for (String name : want.keySet()) {
                assertArrayEquals(a.get(name), b.get(name), "replicas differ in " + name);
                double diff = 0;
                double scale = 0;
                for (int i = 0; i < want.get(name).length; i++) {
                    scale = Math.max(scale, Math.abs(want.get(name)[i]));
                    diff = Math.max(diff, Math.abs(want.get(name)[i] - a.get(name)[i]));
                }
                assertTrue(diff <= 1e-4 * scale, name + ": NCCL replicas differ from one model by " + diff);
            }
        }
    }

    private static Map<String, float[]> weights(Module m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        m.namedParameters().forEach((name, p) -> out.put(name, p.value().toFloatArray()));
        return out;
    }
}
