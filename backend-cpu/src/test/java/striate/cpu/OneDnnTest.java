package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import striate.op.MatMulOp;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * oneDNN's sgemm through its FFM downcall: the {@link NativeGemmContract}; its version; each call on its caller
 * alone, so that products computed on several threads at once have the bits of the same products on one thread;
 * products under a JFR recording sampling every millisecond (which crashed the JVM before the calls blocked
 * asynchronous signals); the thread's signal mask the same after a call as before; and the weight-gradient shapes
 * that {@link CpuMatMul} runs as a transposed product giving the product.
 */
class OneDnnTest extends NativeGemmContract {
    private static OneDnn dnnl;

    @BeforeAll
    static void load() {
        dnnl = OneDnn.load(); // the linux-x86_64 natives are a dependency: failing to load here is a bug
    }

    @Override
    NativeGemm gemm() {
        return dnnl;
    }

    @Test
    void reportsItsVersion() {
        assertTrue(dnnl.version().matches("\\d+\\.\\d+\\.\\d+"), dnnl.version());
        assertTrue(dnnl.describe().equals("oneDNN " + dnnl.version()), dnnl.describe());
    }

    @Test
    void productsOnFourThreadsAtOnceHaveTheOneThreadBits() throws Exception {
        int m = 300;
        int n = 257;
        int k = 513;
        Rng rng = new Rng(5);
        float[] a = random(rng, m * k);
        float[] b = random(rng, k * n);
        float[] alone = product(a, b, m, n, k);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<float[]>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                results.add(threads.submit(() -> product(a, b, m, n, k)));
            }
            for (Future<float[]> r : results) {
                assertArrayEquals(alone, r.get());
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void productsUnderJfrSamplingKeepTheirBitsAndTheProcessAlive() throws Exception {
        // Without the signals blocked during a call, JFR's samplers (a signal per sample) corrupted oneDNN's state
        // within seconds; here a recording samples every millisecond while this thread multiplies for 3 s.
        int m = 64;
        int n = 2048;
        int k = 512;
        Rng rng = new Rng(6);
        float[] a = random(rng, m * k);
        float[] b = random(rng, k * n);
        float[] first = product(a, b, m, n, k);
        try (jdk.jfr.Recording recording = new jdk.jfr.Recording()) {
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1));
            recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(1));
            recording.start();
            long end = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < end) {
                assertArrayEquals(first, product(a, b, m, n, k));
            }
            recording.stop();
        }
    }

    @Test
    void aCallLeavesTheThreadsSignalMaskAsItWas() throws Throwable {
        Linker linker = Linker.nativeLinker();
        MethodHandle sigmask = linker.downcallHandle(linker.defaultLookup().find("pthread_sigmask").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment before = arena.allocate(128);
            MemorySegment after = arena.allocate(128);
            int ok = (int) sigmask.invokeExact(0, MemorySegment.NULL, before); // SIG_BLOCK with no set: a query
            product(new float[6], new float[6], 2, 3, 2);
            ok |= (int) sigmask.invokeExact(0, MemorySegment.NULL, after);
            assertTrue(ok == 0 && before.mismatch(after) == -1, "the mask changed across a call");
        }
    }

    @Test
    void aWeightGradientShapeRunsAsTheSwappedProductAndAgreesWithTheDoubleProduct() {
        // C [1100, 200] = Aᵀ·B, A [1024, 1100], B [1024, 200]: a recurrent layer's dyᵀ·x, smaller; bands of 256
        // rows of C and a ragged last one of 76
        int m = 1100;
        int n = 200;
        int k = 1024;
        assertTrue(dnnl.swapsTransposedA(m, n, k) && !dnnl.swapsTransposedA(n, m, k));
        Tensor a = Tensor.rand(Device.cpu(), DType.F32, Shape.of(k, m), -1, 1, 21);
        Tensor b = Tensor.rand(Device.cpu(), DType.F32, Shape.of(k, n), -1, 1, 22);
        Tensor c = Tensor.zeros(Device.cpu(), DType.F32, m, n);
        new CpuMatMul(new IntraOpPool(2), Sgemm.withNative(dnnl)).run(new MatMulOp(true, false), new Tensor[] {a, b},
                c);
        float[] fa = a.toFloatArray();
        float[] fb = b.toFloatArray();
        float[] fc = c.toFloatArray();
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                double size = 0;
                for (int p = 0; p < k; p++) {
                    double term = (double) fa[p * m + i] * fb[p * n + j];
                    sum += term;
                    size += Math.abs(term);
                }
                double error = Math.abs(fc[i * n + j] - sum);
                if (error > 1e-5 * size) {
                    throw new AssertionError("C[" + i + ", " + j + "] = " + fc[i * n + j] + ", double product " + sum);
                }
            }
        }
    }

    private static float[] product(float[] a, float[] b, int m, int n, int k) {
        float[] c = new float[m * n];
        dnnl.sgemm(false, false, m, n, k, MemorySegment.ofArray(a), 0, k, MemorySegment.ofArray(b), 0, n,
                MemorySegment.ofArray(c), 0, n, false);
        return c;
    }
}
