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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import striate.nn.GRU;
import striate.nn.LSTM;
import striate.nn.Module;
import striate.nn.Parameter;
import striate.nn.RNNBase;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * One training step of a 2-layer LSTM or GRU of PTB size, in milliseconds per step: forward of the layer (input 512,
 * hidden 512, 2 layers, batch-first, zero initial state) over x [64, 35, 512] that requires grad (x stands for the
 * embeddings, so dx is computed), loss = mean of the output [64, 35, 512], backward, plain SGD (lr 0.01), gradients
 * cleared; x is fixed. PyTorch peer: benchmarks/pytorch/lstm_step.py (the same work, case
 * {cell}_step_2x512_b64_t35). Before timing, a step at hidden 512 and batch 64 over 3 time steps (the same layer
 * code, GEMM and cell kernels as the timed step; the full 35 steps take the reference backend minutes) is checked
 * against the reference backend: the loss and the gradients of x and of every parameter. {@code device} is cpu;
 * {@code -p device=cuda:0} runs the same step on a GPU where JMH runs (benchmarks/gpu/run-on-device.sh uses
 * {@link GpuRecurrentStep} instead), checked against the CPU backend.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class RecurrentTrainStep {
    static final int BATCH = 64;
    static final int SEQUENCE = 35;
    static final int SIZE = 512;
    static final int LAYERS = 2;
    /** Time steps of the check against the reference backend. */
    static final int CHECK_SEQUENCE = 3;

    @Param({"lstm", "gru"})
    public String cell;

    @Param({"cpu"})
    public String device;

    RNNBase rnn;
    Optimizer optimizer;
    Tensor x;

    @Setup
    public void setUp() {
        Device d = Device.parse(device);
        checkAgainst(d.equals(Device.cpu()) ? Device.reference() : Device.cpu(), d, cell, BATCH, CHECK_SEQUENCE, SIZE);
        rnn = model(cell, SIZE, d);
        optimizer = Sgd.builder(rnn.namedParameters()).lr(0.01).build();
        x = Inputs.uniform(d, 1, BATCH, SEQUENCE, SIZE).requiresGrad(true);
    }

    /** The layer of the step: {@code cell} (lstm or gru), 2 layers of {@code size} inputs and hidden, batch-first. */
    static RNNBase model(String cell, int size, Device device) {
        RNNBase.Options options = RNNBase.Options.defaults().numLayers(LAYERS).batchFirst(true);
        RNNBase rnn = switch (cell) {
            case "lstm" -> new LSTM(size, size, options, new Rng(42));
            case "gru" -> new GRU(size, size, options, new Rng(42));
            default -> throw new IllegalArgumentException("RecurrentTrainStep: cell must be lstm or gru, got " + cell);
        };
        rnn.to(device);
        return rnn;
    }

    /** The benchmark's loss: mean of the output, as the PyTorch peer's y.mean(). */
    static Tensor loss(Module rnn, Tensor x) {
        return rnn.forward(x).mean();
    }

    /**
     * One step's loss on x [batch, seq, size] (uniform, seed 1) and the gradients of x and of every parameter agree
     * between the CPU and the reference backend.
     */
    static void check(String cell, int batch, int seq, int size) {
        checkAgainst(Device.reference(), Device.cpu(), cell, batch, seq, size);
    }

    /** As {@link #check}, for the step on {@code device} against the step on {@code ref}. */
    static void checkAgainst(Device ref, Device device, String cell, int batch, int seq, int size) {
        String what = cell + "_step_" + LAYERS + "x" + size + "_b" + batch + "_t" + seq + " on " + device;
        RNNBase refRnn = model(cell, size, ref);
        RNNBase rnn = model(cell, size, device);
        Tensor xRef = Inputs.uniform(ref, 1, batch, seq, size).requiresGrad(true);
        Tensor x = Inputs.uniform(device, 1, batch, seq, size).requiresGrad(true);
        Tensor lossRef = loss(refRnn, xRef);
        Tensor loss = loss(rnn, x);
        lossRef.backward();
        loss.backward();
        Agreement.assertClose(what + " loss", new float[] {(float) lossRef.item()}, new float[] {(float) loss.item()},
                1e-4, 1e-6);
        Agreement.assertClose(what + " gradient of x", xRef.grad().toFloatArray(), x.grad().toFloatArray(), 1e-3,
                1e-7);
        for (var e : refRnn.namedParameters().entrySet()) {
            Parameter p = rnn.namedParameters().get(e.getKey());
            Agreement.assertClose(what + " gradient " + e.getKey(), e.getValue().grad().toFloatArray(),
                    p.grad().toFloatArray(), 1e-3, 1e-6);
        }
    }

    @Benchmark
    public double step() {
        try (MemoryScope scope = MemoryScope.open()) { // as a training loop runs a step: its memory is reused next time
            Tensor loss = loss(rnn, x);
            loss.backward();
            optimizer.step();
            optimizer.zeroGrad(); // the gradients belong to the step's scope
            x.setGrad(null);
            return loss.item();
        }
    }

    /** Prints the pool counters: after the first step, every allocation should be a reuse. */
    @TearDown
    public void reportMemory() {
        System.out.println(cell + " step memory: " + x.backend().memoryStats());
    }
}
