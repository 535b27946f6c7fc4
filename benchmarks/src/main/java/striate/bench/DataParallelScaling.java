package striate.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import striate.backend.Backends;
import striate.backend.Traffic;
import striate.models.AlexNet;
import striate.models.LeNet5;
import striate.nn.Losses;
import striate.nn.Module;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.parallel.DataParallel;
import striate.parallel.StepListener;
import striate.train.Metrics;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Data-parallel scaling, weak (a fixed batch per replica, as DDP is used): for 1..N replicas, training images/s,
 * the scaling efficiency (images/s over N × the one-replica images/s), and where the all-reduce time goes: busy (the
 * sum of the bucket all-reduces, most of it overlapped with backward) and exposed (from the last replica's end of
 * backward to the end of the last all-reduce: what a step waits for). Medians over the measured steps.
 *
 * <p>Devices: {@code cpu} gives replicas cpu:0..cpu:N−1 (run with -Dstriate.cpu.threads=1 so that N replicas use
 * N cores); {@code cuda} gives cuda:0..cuda:N−1, or all replicas on cuda:0 when {@code --same-device} (one GPU: the
 * busy and exposed shares then let the N-GPU scaling be estimated: step(N) ≈ step(1) + exposed all-reduce, the
 * ring moving 2(N−1)/N of the gradient bytes per GPU).
 *
 * <p>First comes the plain step on the first device at the per-replica batch, as the Trainer runs it without data
 * parallel (forward, loss, backward, update, loss and accuracy read back, in a MemoryScope); the one-replica row
 * then reports its step time over the plain one (the data-parallel overhead: the flat gradient buffer, the
 * replica thread, the round's bookkeeping), and each row the bytes the devices' copy primitives moved per step.
 *
 * <p>Usage: DataParallelScaling [--devices cpu|cuda] [--max 2] [--same-device] [--model alexnet|lenet5]
 * [--size 64] [--batch 32] [--steps 10] [--warmup 3]
 */
public final class DataParallelScaling {
    private DataParallelScaling() {
    }

    /** Per-step timings from the listener, nanoseconds. */
    private static final class Timeline implements StepListener {
        final AtomicLong lastBackward = new AtomicLong();
        final AtomicLong lastReduce = new AtomicLong();
        final AtomicLong busy = new AtomicLong();
        private long started;

        void reset() {
            lastBackward.set(0);
            lastReduce.set(0);
            busy.set(0);
        }

        @Override
        public void backwardDone(int replica) {
            lastBackward.accumulateAndGet(System.nanoTime(), Math::max);
        }

        @Override
        public void reduceStarted(int bucket) {
            started = System.nanoTime(); // the communication thread reduces one bucket at a time
        }

        @Override
        public void reduceDone(int bucket) {
            long now = System.nanoTime();
            busy.addAndGet(now - started);
            lastReduce.accumulateAndGet(now, Math::max);
        }
    }

    public static void main(String[] args) {
        String kind = option(args, "--devices", "cpu");
        int max = Integer.parseInt(option(args, "--max", "2"));
        boolean same = Arrays.asList(args).contains("--same-device");
        String model = option(args, "--model", "alexnet");
        int size = Integer.parseInt(option(args, "--size", "64"));
        int perReplica = Integer.parseInt(option(args, "--batch", "32"));
        int steps = Integer.parseInt(option(args, "--steps", "10"));
        int warmup = Integer.parseInt(option(args, "--warmup", "3"));
        Supplier<Module> factory = model.equals(LeNet5.NAME)
                ? () -> new LeNet5(LeNet5.Config.defaults(), 42)
                : () -> new AlexNet(new AlexNet.Config(AlexNet.Variant.OWT, 10, 3, size, 0.5), 42);
        long[] sample = model.equals(LeNet5.NAME) ? new long[] {1, 28, 28} : new long[] {3, size, size};
        Function<Module, Optimizer> sgd = m -> Sgd.builder(m.namedParameters()).lr(0.01).momentum(0.9).build();
        System.out.printf(Locale.ROOT, "data-parallel scaling: %s, %s devices%s, batch %d per replica, %d steps "
                + "(after %d warm-up), striate.cpu.threads=%s, %d cores%n", model, kind, same ? " (all on one)" : "",
                perReplica, steps, warmup, System.getProperty("striate.cpu.threads", "all"),
                Runtime.getRuntime().availableProcessors());
        double plain = plainStepMs(factory.get(), sgd, new Device(kind.equals("cuda") ? Device.Kind.CUDA
                : Device.Kind.CPU, 0), sample, perReplica, steps, warmup);
        System.out.printf(Locale.ROOT, "plain step (no DataParallel), batch %d: %.1f ms, %.1f images/s%n", perReplica,
                plain, perReplica / (plain / 1e3));
        System.out.println("replicas  global batch  images/s  efficiency  step ms  all-reduce busy  exposed"
                + "  copies per step");
        double base = Double.NaN;
        for (int n = 1; n <= max; n++) {
            List<Device> devices = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                devices.add(new Device(kind.equals("cuda") ? Device.Kind.CUDA : Device.Kind.CPU, same ? 0 : r));
            }
            Timeline timeline = new Timeline();
            int batch = perReplica * n;
            try (DataParallel dp = DataParallel.builder(devices, factory, sgd).listener(timeline).build()) {
                long[] dims = new long[sample.length + 1];
                dims[0] = batch;
                System.arraycopy(sample, 0, dims, 1, sample.length);
                Tensor x = Tensor.rand(devices.getFirst(), DType.F32, Shape.of(dims), -1, 1, 7);
                int[] labels = new int[batch];
                Rng rng = new Rng(3);
                Arrays.setAll(labels, i -> rng.nextInt(10));
                Tensor y = Tensor.ofInts(devices.getFirst(), labels);
                double[] stepMs = new double[steps];
                double[] busyMs = new double[steps];
                double[] exposedMs = new double[steps];
                Traffic start = Traffic.NONE;
                for (int s = -warmup; s < steps; s++) {
                    if (s == 0) {
                        start = traffic(devices);
                    }
                    timeline.reset();
                    long t0 = System.nanoTime();
                    dp.step(x, y);
                    long t1 = System.nanoTime();
                    if (s >= 0) {
                        stepMs[s] = (t1 - t0) / 1e6;
                        busyMs[s] = timeline.busy.get() / 1e6;
                        exposedMs[s] = Math.max(0, timeline.lastReduce.get() - timeline.lastBackward.get()) / 1e6;
                    }
                }
                Traffic moved = traffic(devices).minus(start);
                double step = median(stepMs);
                double imagesPerSecond = batch / (step / 1e3);
                if (n == 1) {
                    base = imagesPerSecond;
                }
                System.out.printf(Locale.ROOT, "%8d  %12d  %8.1f  %10.2f  %7.1f  %8.1f ms %4.0f%%  %5.1f ms %4.0f%%"
                        + "  %s%n", n, batch, imagesPerSecond, imagesPerSecond / (n * base), step, median(busyMs),
                        100 * median(busyMs) / step, median(exposedMs), 100 * median(exposedMs) / step,
                        perStep(moved, steps));
                if (n > 1) {
                    System.out.println("          gradients all-reduced by " + dp.exchangeChoice());
                }
                if (n == 1) {
                    System.out.printf(Locale.ROOT, "one replica / plain step: %.3f (target <= 1.15)%n", step / plain);
                }
            }
        }
    }

    /** Median ms of the plain one-device step at {@code batch}, as the Trainer runs it. */
    private static double plainStepMs(Module model, Function<Module, Optimizer> sgd, Device device, long[] sample,
                                      int batch, int steps, int warmup) {
        model.to(device);
        model.train();
        Optimizer optimizer = sgd.apply(model);
        long[] dims = new long[sample.length + 1];
        dims[0] = batch;
        System.arraycopy(sample, 0, dims, 1, sample.length);
        Tensor x = Tensor.rand(device, DType.F32, Shape.of(dims), -1, 1, 7);
        int[] labels = new int[batch];
        Rng rng = new Rng(3);
        Arrays.setAll(labels, i -> rng.nextInt(10));
        Tensor y = Tensor.ofInts(device, labels);
        double[] ms = new double[steps];
        for (int s = -warmup; s < steps; s++) {
            long t0 = System.nanoTime();
            try (MemoryScope scope = MemoryScope.open()) {
                Tensor logits = model.forward(x);
                Tensor loss = Losses.crossEntropy(logits, y);
                loss.item();
                optimizer.zeroGrad();
                loss.backward();
                optimizer.step();
                optimizer.zeroGrad();
                Metrics.argmax(logits);
                y.toIntArray();
            }
            if (s >= 0) {
                ms[s] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return median(ms);
    }

    /** The devices' backends' traffic together (each distinct device once). */
    private static Traffic traffic(List<Device> devices) {
        Traffic sum = Traffic.NONE;
        for (Device d : devices.stream().distinct().toList()) {
            sum = sum.plus(Backends.of(d).traffic());
        }
        return sum;
    }

    private static String perStep(Traffic t, int steps) {
        return String.format(Locale.ROOT, "h→d %d B, d→h %d B, d→d %.1f MB", t.hostToDevice() / steps,
                t.deviceToHost() / steps, t.deviceToDevice() / steps / 1e6);
    }

    /** The median of v (the mean of the middle two for an even length); AllReduceBandwidth uses it too. */
    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** The value after {@code name} in args, or fallback; AllReduceBandwidth uses it too. */
    static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
