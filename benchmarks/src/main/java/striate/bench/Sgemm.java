package striate.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import striate.backend.Backends;
import striate.cpu.CpuBackend;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * Square float32 matmul C = A·B on the CPU backend, in multiplications per second (GFLOPS = score · 2n³ / 1e9),
 * with the backend's GEMM choice ({@code impl=native}: OpenBLAS where the backend picks it, which is not where its
 * kernels are AVX2 and Java's vectors 512 bits wide) or pure Java ({@code impl=java}, i.e.
 * {@code -Dstriate.cpu.native=false}). Each fork is a fresh JVM, so the property set in
 * setup reaches the backend; setup checks that it did. Before timing, 64 entries of C are checked against dot
 * products in double. Each call runs in a {@link MemoryScope}, so C's memory comes back to the next call instead
 * of being faulted in afresh (16 MB at n=2048: 4,096 page faults, tens of milliseconds on these VMs).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class Sgemm {
    @Param({"64", "256", "1024", "2048"})
    public int n;

    @Param({"native", "java"})
    public String impl;

    Tensor a;
    Tensor b;

    @Setup
    public void setUp() {
        System.setProperty("striate.cpu.native", Boolean.toString(impl.equals("native")));
        String gemm = ((CpuBackend) Backends.of(Device.cpu())).gemm();
        if (impl.equals("java") != gemm.contains("natives off")) {
            throw new IllegalStateException("impl=" + impl + " but the CPU backend runs " + gemm
                    + " (it was created before this setup: run with forks)");
        }
        a = Inputs.uniform(Device.cpu(), 6, n, n);
        b = Inputs.uniform(Device.cpu(), 7, n, n);
        check(n, a, b);
    }

    static void check(int n, Tensor a, Tensor b) {
        float[] x = a.toFloatArray();
        float[] y = b.toFloatArray();
        float[] c = a.matmul(b, false, false).toFloatArray();
        float[] want = new float[64];
        float[] got = new float[64];
        for (int t = 0; t < 64; t++) {
            int i = (int) ((long) t * 7919 % n);
            int j = (int) ((long) t * 104729 % n);
            double s = 0;
            for (int p = 0; p < n; p++) {
                s += (double) x[i * n + p] * y[p * n + j];
            }
            want[t] = (float) s;
            got[t] = c[i * n + j];
        }
        Agreement.assertClose("sgemm_" + n, want, got, 1e-4, 1e-4 * Math.sqrt(n));
    }

    @Benchmark
    public void matmul(Blackhole sink) {
        try (MemoryScope scope = MemoryScope.open()) { // C's memory is reused by the next call, as in a training step
            sink.consume(a.matmul(b, false, false).storage());
        }
    }
}
