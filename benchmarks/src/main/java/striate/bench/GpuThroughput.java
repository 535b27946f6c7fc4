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
 * add / relu in GB/s (bytes read + written), each the median of timed repeats after a warm-up, timed from a
 * synchronized stream to a synchronized stream. Every iteration runs in a MemoryScope, so memory is reused, not
 * left to the garbage collector. Prints one {@code RESULT name value unit} line per measurement.
 * Usage: GpuThroughput [sgemm sizes, default 4096,8192] [elementwise elements, default 67108864]
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
        for (String s : sizes) {
            int n = Integer.parseInt(s.trim());
            Tensor a = Tensor.rand(d, DType.F32, Shape.of(n, n), -1, 1, 1);
            Tensor b = Tensor.rand(d, DType.F32, Shape.of(n, n), -1, 1, 2);
            double seconds = median(cuda, 10, () -> a.matmul(b));
            System.out.printf("RESULT sgemm_%d %.1f GFLOP/s (%.3f ms)%n", n, 2.0 * n * n * n / seconds / 1e9, seconds * 1e3);
        }
        Tensor x = Tensor.rand(d, DType.F32, Shape.of(elements), -1, 1, 3);
        Tensor y = Tensor.rand(d, DType.F32, Shape.of(elements), -1, 1, 4);
        double add = median(cuda, 20, () -> x.add(y));
        System.out.printf("RESULT add_f32 %.1f GB/s (%.3f ms for %d elements)%n", 12.0 * elements / add / 1e9, add * 1e3,
                elements);
        double relu = median(cuda, 20, x::relu);
        System.out.printf("RESULT relu_f32 %.1f GB/s (%.3f ms)%n", 8.0 * elements / relu / 1e9, relu * 1e3);
        System.out.println("memory: " + cuda.memory());
    }

    /** Median seconds of {@code repeats} runs of {@code op}, after three warm-up runs. */
    private static double median(CudaBackend cuda, int repeats, java.util.function.Supplier<Tensor> op) {
        double[] t = new double[repeats];
        for (int i = -3; i < repeats; i++) {
            try (MemoryScope scope = MemoryScope.open()) {
                cuda.synchronize();
                long start = System.nanoTime();
                op.get();
                cuda.synchronize();
                if (i >= 0) {
                    t[i] = (System.nanoTime() - start) / 1e9;
                }
            }
        }
        java.util.Arrays.sort(t);
        return t[repeats / 2];
    }
}
