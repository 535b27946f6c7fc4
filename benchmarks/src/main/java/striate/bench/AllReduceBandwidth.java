package striate.bench;

import static striate.bench.DataParallelScaling.median;
import static striate.bench.DataParallelScaling.option;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import striate.parallel.ExchangeChoice;
import striate.parallel.GradientExchange;
import striate.parallel.HostChunkLink;
import striate.parallel.RingAllReduce;
import striate.parallel.TensorChunkLink;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * All-reduce bandwidth of the exchange data parallel picks for a list of devices (NCCL between distinct GPUs, else
 * the ring), reported as nccl-tests does: one float32 buffer of S bytes per replica summed over N replicas in t
 * seconds gives the algorithm bandwidth S/t and the bus bandwidth S/t · 2(N−1)/N, the bytes each replica's link
 * carries per second in a ring (the number the README's 2/4/8-GPU estimate uses). Each size is timed over a number
 * of all-reduces after a warm-up, and ends by reading one element of every buffer back (which waits for the
 * devices' streams); medians of the per-call times.
 *
 * <p>Usage: AllReduceBandwidth --devices cuda:0,cuda:1 [--mib 1,25,100] [--iterations 20] [--warmup 5]
 */
public final class AllReduceBandwidth {
    private AllReduceBandwidth() {
    }

    public static void main(String[] args) throws Exception {
        List<Device> devices = Arrays.stream(option(args, "--devices", "cpu:0,cpu:1").split(",")).map(Device::parse)
                .toList();
        double[] mib = Arrays.stream(option(args, "--mib", "1,25,100").split(",")).mapToDouble(Double::parseDouble)
                .toArray();
        int iterations = Integer.parseInt(option(args, "--iterations", "20"));
        int warmup = Integer.parseInt(option(args, "--warmup", "5"));
        ExchangeChoice choice = ExchangeChoice.forDevices(devices);
        int n = devices.size();
        System.out.printf(Locale.ROOT, "all-reduce on %s: %s; %d calls per size after %d warm-up%n", devices, choice,
                iterations, warmup);
        System.out.println("     MiB  ms per call  algbw GB/s  busbw GB/s");
        try (GradientExchange exchange = choice.engine().map(e -> e.open(devices)).orElseGet(() -> new RingAllReduce(
                devices.stream().allMatch(Device::isHost) ? new HostChunkLink() : new TensorChunkLink()))) {
            for (double m : mib) {
                long elements = Math.max(1, Math.round(m * (1 << 20) / 4));
                List<Tensor> buffers = new ArrayList<>();
                for (Device d : devices) {
                    buffers.add(Tensor.zeros(d, DType.F32, elements));
                }
                double[] ms = new double[iterations];
                for (int i = -warmup; i < iterations; i++) {
                    long t0 = System.nanoTime();
                    exchange.allReduce(0, buffers);
                    exchange.finish(); // each device's stream waits for the all-reduce (NCCL queues it on its own)
                    buffers.forEach(b -> b.slice(0, 0, 1).toFloatArray()); // waits for every device's stream
                    if (i >= 0) {
                        ms[i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                double t = median(ms);
                double bytes = elements * 4.0;
                double algbw = bytes / (t / 1e3) / 1e9;
                System.out.printf(Locale.ROOT, "%8.2f  %11.3f  %10.2f  %10.2f%n", bytes / (1 << 20), t, algbw,
                        algbw * 2 * (n - 1) / n);
            }
        }
    }
}
