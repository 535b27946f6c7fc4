package striate.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import striate.autograd.GradMode;
import striate.gan.DcganDiscriminator;
import striate.gan.DcganGenerator;
import striate.gan.GanNet;
import striate.nn.Losses;
import striate.nn.Parameter;
import striate.optim.Adam;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * One DCGAN training step on Fashion-MNIST shapes at batch 128, in real images per second (steps/s × 128), with the
 * gan package's nets ({@link DcganGenerator}: z [n, 100] → [n, 1, 28, 28]; {@link DcganDiscriminator}: → a logit
 * [n, 1]; Radford's init): a D step (BCE with logits of D(real) against 1 plus of D(G(z)) against 0, G(z) made
 * without autograd, Adam 2e-4, betas (0.5, 0.999)) then a G step (BCE of D(G(z')) against 1 with D's parameters
 * frozen, Adam), both nets in train mode, as `striate gan` runs them. Before timing, one step's D and G losses and
 * every gradient of a smaller batch are checked against the reference backend. PyTorch peer:
 * benchmarks/pytorch/dcgan_fashion.py --step-benchmark.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 10) // one step is long: iterations of many seconds hold enough steps to average
@Measurement(iterations = 5, time = 10)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class DcganStepBenchmark {
    static final int BATCH = 128;
    static final int LATENT = 100;

    GanNet g;
    GanNet d;
    Adam optimizerG;
    Adam optimizerD;
    Tensor real;
    Tensor z;
    Tensor zG;
    Tensor ones;
    Tensor zeros;

    @Setup
    public void setUp() {
        check(8);
        Device cpu = Device.cpu();
        g = generator(42, cpu);
        d = discriminator(43, cpu);
        optimizerG = Adam.builder(g.namedParameters()).lr(2e-4).betas(0.5, 0.999).build();
        optimizerD = Adam.builder(d.namedParameters()).lr(2e-4).betas(0.5, 0.999).build();
        real = Inputs.uniform(cpu, 1, BATCH, 1, 28, 28);
        z = latent(cpu, 2, BATCH);
        zG = latent(cpu, 3, BATCH);
        ones = Tensor.ones(cpu, DType.F32, BATCH, 1);
        zeros = Tensor.zeros(cpu, DType.F32, BATCH, 1);
    }

    /** The DCGAN generator ({@link DcganGenerator}, Radford's init from {@code seed}) on {@code device}, training. */
    static GanNet generator(long seed, Device device) {
        GanNet net = new DcganGenerator(LATENT, new Rng(seed));
        net.to(device);
        net.train();
        return net;
    }

    /** The DCGAN discriminator ({@link DcganDiscriminator} with batch norm, a logit per image) on {@code device}. */
    static GanNet discriminator(long seed, Device device) {
        GanNet net = new DcganDiscriminator(1, true, new Rng(seed));
        net.to(device);
        net.train();
        return net;
    }

    /** z [n, 100] from N(0, 1), seeded. */
    static Tensor latent(Device device, long seed, int n) {
        Rng rng = new Rng(seed);
        float[] v = new float[n * LATENT];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return Tensor.of(device, v, n, LATENT);
    }

    /** The D loss on real images and G(z), G(z) made without autograd (D's step does not build G's graph). */
    static Tensor discriminatorLoss(GanNet g, GanNet d, Tensor real, Tensor z, Tensor ones, Tensor zeros) {
        Tensor fake;
        try (GradMode.Scope off = GradMode.off()) {
            fake = g.forward(z); // [n, 1, 28, 28]
        }
        return Losses.binaryCrossEntropyWithLogits(d.forward(real), ones)
                .add(Losses.binaryCrossEntropyWithLogits(d.forward(fake), zeros));
    }

    /**
     * The non-saturating G loss, BCE of D(G(z)) against 1, with D's parameters frozen while it is built (their
     * gradients would be thrown away); its backward reaches G's parameters only.
     */
    static Tensor generatorLoss(GanNet g, GanNet d, Tensor z, Tensor ones) {
        List<Parameter> frozen = d.parameters();
        frozen.forEach(p -> p.value().requiresGrad(false));
        try {
            return Losses.binaryCrossEntropyWithLogits(d.forward(g.forward(z)), ones);
        } finally {
            frozen.forEach(p -> p.value().requiresGrad(true));
        }
    }

    /**
     * One D loss and one G loss of batch {@code n}, with backward, on the CPU backend against the reference: the
     * losses, the gradients of D's parameters from the D loss and those of G's from the G loss all agree.
     */
    static void check(int n) {
        float[][] ref = gradients(Device.reference(), n);
        float[][] cpu = gradients(Device.cpu(), n);
        for (int i = 0; i < ref.length; i++) {
            Agreement.assertClose("dcgan_step_b" + n + " value " + i, ref[i], cpu[i], 2e-3, 1e-5);
        }
    }

    /** [D loss], D's gradients, [G loss], G's gradients, on {@code device}. */
    private static float[][] gradients(Device device, int n) {
        GanNet g = generator(42, device);
        GanNet d = discriminator(43, device);
        Tensor real = Inputs.uniform(device, 1, n, 1, 28, 28);
        Tensor ones = Tensor.ones(device, DType.F32, n, 1);
        List<float[]> out = new ArrayList<>();
        Tensor lossD = discriminatorLoss(g, d, real, latent(device, 2, n), ones, Tensor.zeros(device, DType.F32, n, 1));
        lossD.backward();
        out.add(new float[] {(float) lossD.item()});
        d.namedParameters().values().forEach(p -> out.add(p.grad().toFloatArray()));
        Tensor lossG = generatorLoss(g, d, latent(device, 3, n), ones);
        lossG.backward();
        out.add(new float[] {(float) lossG.item()});
        g.namedParameters().values().forEach(p -> out.add(p.grad().toFloatArray()));
        return out.toArray(float[][]::new);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double step() {
        try (MemoryScope scope = MemoryScope.open()) { // as a trainer runs a step: its memory is reused next time
            optimizerD.zeroGrad();
            Tensor lossD = discriminatorLoss(g, d, real, z, ones, zeros);
            lossD.backward();
            optimizerD.step();
            optimizerG.zeroGrad();
            Tensor lossG = generatorLoss(g, d, zG, ones);
            lossG.backward();
            optimizerG.step();
            return lossD.item() + lossG.item();
        }
    }

    /** Prints the pool counters: after the first step, every allocation should be a reuse. */
    @TearDown
    public void reportMemory() {
        System.out.println("dcgan_step_b128 memory: " + real.backend().memoryStats());
    }
}
