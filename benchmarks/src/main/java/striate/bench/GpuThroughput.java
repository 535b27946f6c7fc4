package striate.bench;

import striate.backend.Backends;
import striate.cuda.CudaBackend;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * GPU throughput on cuda:0, for benchmarks/gpu/run-on-device.sh: SGEMM (y = a·b, n×n) in GFLOP/s and elementwise
 * add / relu in GB/s (bytes read + written), each the median of timed regions after a warm-up, timed from a
 * synchronized stream to a synchronized stream. An elementwise region queues 10 calls back to back, after 500 warm-up
 * calls (the JIT compiles the host side of a call; a cold call costs tens of microseconds against a kernel of a few
 * hundred), as benchmarks/gpu/torch_peer.py does. Each result is checked against the host first. Every region runs
 * in a MemoryScope, so memory is reused, not left to the garbage collector. Prints one {@code RESULT name value unit}
 * line per measurement; names end in {@code _tf32} when TF32 is on. With STRIATE_BENCH_QUICK set (under a profiler,
 * which replays every launch it profiles), each measurement runs a few launches instead: its times mean nothing.
 * Usage: GpuThroughput [sgemm sizes, default 4096,8192] [elementwise elements, default 67108864; 0: none]
 */
public final class GpuThroughput {
    private GpuThroughput() {
    }

    public static void main(String[] args) {
        String[] sizes = (args.length > 0 ? args[0] : "4096,8192").split(",");
        long elements = args.length > 1 ? Long.parseLong(args[1]) : 1L << 26;
        Device d = Device.cuda(0);
        CudaBackend cuda = (CudaBackend) Backends.of(d);
        System.out.println("options: " + cuda.options());
        String tf32 = cuda.options().tf32() ? "_tf32" : "";
        for (String s : sizes) {
            int n = Integer.parseInt(s.trim());
            Tensor a = Tensor.rand(d, DType.F32, Shape.of(n, n), -1, 1, 1);
            Tensor b = Tensor.rand(d, DType.F32, Shape.of(n, n), -1, 1, 2);
            double seconds = median(cuda, 10, 1, 3, () -> a.matmul(b));
            System.out.printf("RESULT sgemm%s_%d %.1f GFLOP/s (%.3f ms)%n", tf32, n, 2.0 * n * n * n / seconds / 1e9,
                    seconds * 1e3);
        }
        if (elements == 0) {
            return;
        }
        Tensor x = Tensor.rand(d, DType.F32, Shape.of(elements), -1, 1, 3);
        Tensor y = Tensor.rand(d, DType.F32, Shape.of(elements), -1, 1, 4);
        checkElementwise(x, y);
        boolean quick = System.getenv("STRIATE_BENCH_QUICK") != null;
        double add = median(cuda, quick ? 3 : 20, quick ? 1 : 10, quick ? 1 : 50, () -> x.add(y));
        System.out.printf("RESULT add_f32 %.1f GB/s (%.3f ms for %d elements)%n", 12.0 * elements / add / 1e9, add * 1e3,
                elements);
        double relu = median(cuda, quick ? 3 : 20, quick ? 1 : 10, quick ? 1 : 50, x::relu);
        System.out.printf("RESULT relu_f32 %.1f GB/s (%.3f ms)%n", 8.0 * elements / relu / 1e9, relu * 1e3);
        System.out.println("memory: " + cuda.memory());
    }

    /** x + y and relu(x) on the GPU against the same sums on the host, at every 4,099th element and the last. */
    private static void checkElementwise(Tensor x, Tensor y) {
        float[] hx = x.toFloatArray();
        float[] hy = y.toFloatArray();
        float[] sum = x.add(y).toFloatArray();
        float[] relu = x.relu().toFloatArray();
        for (int i = 0; i < hx.length; i += 4099) {
            checkElement(i, hx, hy, sum, relu);
        }
        checkElement(hx.length - 1, hx, hy, sum, relu);
        System.out.println("CHECK add and relu against the host: equal");
    }

    private static void checkElement(int i, float[] hx, float[] hy, float[] sum, float[] relu) {
        if (sum[i] != hx[i] + hy[i] || relu[i] != Math.max(hx[i], 0f)) {
            throw new AssertionError("element " + i + ": " + sum[i] + " / " + relu[i] + " on the GPU, "
                    + (hx[i] + hy[i]) + " / " + Math.max(hx[i], 0f) + " on the host");
        }
    }

    /**
     * Median seconds per call over {@code repeats} timed regions of {@code perRegion} calls of {@code op} queued back
     * to back, after {@code warmups} regions.
     */
    private static double median(CudaBackend cuda, int repeats, int perRegion, int warmups,
                                 java.util.function.Supplier<Tensor> op) {
        double[] t = new double[repeats];
        for (int i = -warmups; i < repeats; i++) {
            try (MemoryScope scope = MemoryScope.open()) {
                cuda.synchronize();
                long start = System.nanoTime();
                for (int k = 0; k < perRegion; k++) {
                    op.get();
                }
                cuda.synchronize();
                if (i >= 0) {
                    t[i] = (System.nanoTime() - start) / 1e9 / perRegion;
                }
            }
        }
        java.util.Arrays.sort(t);
        return t[repeats / 2];
    }
}
