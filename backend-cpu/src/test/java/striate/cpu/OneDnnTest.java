package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import striate.tensor.Rng;

/**
 * oneDNN's sgemm through its FFM downcall: the {@link NativeGemmContract}; its version; and each call on its caller
 * alone, so that products computed on several threads at once have the bits of the same products on one thread.
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
            java.util.List<Future<float[]>> results = new java.util.ArrayList<>();
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

    private static float[] product(float[] a, float[] b, int m, int n, int k) {
        float[] c = new float[m * n];
        dnnl.sgemm(false, false, m, n, k, MemorySegment.ofArray(a), 0, k, MemorySegment.ofArray(b), 0, n,
                MemorySegment.ofArray(c), 0, n, false);
        return c;
    }
}
