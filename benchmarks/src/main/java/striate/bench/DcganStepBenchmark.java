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
import striate.nn.BatchNorm2d;
import striate.nn.Conv2d;
import striate.nn.ConvTranspose2d;
import striate.nn.Flatten;
import striate.nn.Init;
import striate.nn.LeakyReLU;
import striate.nn.Losses;
import striate.nn.Module;
import striate.nn.Parameter;
import striate.nn.ReLU;
import striate.nn.Sequential;
import striate.nn.Tanh;
import striate.op.ConvParams;
import striate.optim.Adam;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * One DCGAN training step on Fashion-MNIST shapes at batch 128, in real images per second (steps/s × 128): a D step
 * (BCE with logits of D(real) against 1 plus of D(G(z)) against 0, G(z) made without autograd, Adam) then a G step
 * (BCE of D(G(z')) against 1 with D's parameters frozen, Adam), both nets in train mode, as `striate gan` runs them, the nets of issue #18 (G: z [n, 100, 1, 1] → ConvTranspose2d 100→256
 * k7 [n, 256, 7, 7] → BN → ReLU → ConvTranspose2d 256→128 k4 s2 p1 [n, 128, 14, 14] → BN → ReLU → ConvTranspose2d
 * 128→1 k4 s2 p1 [n, 1, 28, 28] → Tanh; D: Conv2d 1→64 k4 s2 p1 [n, 64, 14, 14] → LeakyReLU(0.2) → Conv2d 64→128 k4
 * s2 p1 [n, 128, 7, 7] → BN → LeakyReLU(0.2) → Conv2d 128→1 k7 [n, 1, 1, 1] → [n, 1]; no biases; Radford's init).
 * Before timing, one step's D and G losses and every gradient of a smaller batch are checked against the reference
 * backend. PyTorch peer: benchmarks/pytorch/dcgan_fashion.py --step-benchmark.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class DcganStepBenchmark {
    static final int BATCH = 128;
    static final int LATENT = 100;

    Sequential g;
    Sequential d;
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

    /** The DCGAN generator with Radford's init from {@code seed}, on {@code device}, in train mode. */
    static Sequential generator(long seed, Device device) {
        Rng rng = new Rng(seed);
        Sequential net = new Sequential(
                new ConvTranspose2d(LATENT, 256, 7, 7, ConvParams.of(1, 0), 0, 0, false, rng), // [n, 256, 7, 7]
                new BatchNorm2d(256), new ReLU(),
                new ConvTranspose2d(256, 128, 4, 4, ConvParams.of(2, 1), 0, 0, false, rng), // [n, 128, 14, 14]
                new BatchNorm2d(128), new ReLU(),
                new ConvTranspose2d(128, 1, 4, 4, ConvParams.of(2, 1), 0, 0, false, rng), // [n, 1, 28, 28]
                new Tanh());
        return radfordInit(net, rng, device);
    }

    /** The DCGAN discriminator (a logit per image, [n, 1]) with Radford's init from {@code seed}. */
    static Sequential discriminator(long seed, Device device) {
        Rng rng = new Rng(seed);
        Sequential net = new Sequential(
                new Conv2d(1, 64, 4, 4, ConvParams.of(2, 1), false, rng), new LeakyReLU(0.2), // [n, 64, 14, 14]
                new Conv2d(64, 128, 4, 4, ConvParams.of(2, 1), false, rng), // [n, 128, 7, 7]
                new BatchNorm2d(128), new LeakyReLU(0.2),
                new Conv2d(128, 1, 7, 7, ConvParams.of(1, 0), false, rng), // [n, 1, 1, 1]
                new Flatten()); // [n, 1]
        return radfordInit(net, rng, device);
    }

    /** Conv weights N(0, 0.02); BatchNorm weight N(1, 0.02), bias 0. */
    private static Sequential radfordInit(Sequential net, Rng rng, Device device) {
        for (Module layer : net.children().values()) {
            if (layer instanceof Conv2d c) {
                c.weight().set(Init.normal(rng, 0.02, c.weight().value().shape().dims()));
            } else if (layer instanceof ConvTranspose2d c) {
                c.weight().set(Init.normal(rng, 0.02, c.weight().value().shape().dims()));
            } else if (layer instanceof BatchNorm2d b) {
                b.weight().set(Init.normal(rng, 0.02, b.weight().value().shape().dims()).add(1));
            }
        }
        net.to(device);
        net.train();
        return net;
    }

    /** z [n, 100, 1, 1] from N(0, 1), seeded. */
    static Tensor latent(Device device, long seed, int n) {
        Rng rng = new Rng(seed);
        float[] v = new float[n * LATENT];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return Tensor.of(device, v, n, LATENT, 1, 1);
    }

    /** The D loss on real images and G(z), G(z) made without autograd (D's step does not build G's graph). */
    static Tensor discriminatorLoss(Sequential g, Sequential d, Tensor real, Tensor z, Tensor ones, Tensor zeros) {
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
    static Tensor generatorLoss(Sequential g, Sequential d, Tensor z, Tensor ones) {
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
        Sequential g = generator(42, device);
        Sequential d = discriminator(43, device);
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
