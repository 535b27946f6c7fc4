package striate.bench;

import java.util.Arrays;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import striate.autograd.GradMode;
import striate.nn.LSTM;
import striate.nn.RNNBase;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The recurrent part of the Brown tagger's inference, in sentences per second: a 1-layer bidirectional LSTM
 * (input 100, the embedding's width; hidden 128 per direction; batch-first) without autograd over a padded batch of
 * 32 sentences x [32, 48, 100] with lengths 4 to 48, longest first ({@link #lengths}), the tagger's batch at
 * evaluation. PyTorch
 * peer: benchmarks/pytorch/tagger_lstm_forward.py (the same layer, packed with pack_padded_sequence). The output
 * is checked against the reference backend before timing.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class RecurrentInference {
    static final int BATCH = 32;
    static final int LONGEST = 48;
    static final int INPUT = 100;
    static final int HIDDEN = 128;

    RNNBase lstm;
    Tensor x;
    int[] lengths;

    @Setup
    public void setUp() {
        check();
        lstm = model(Device.cpu());
        x = Inputs.uniform(Device.cpu(), 1, BATCH, LONGEST, INPUT);
        lengths = lengths();
    }

    static RNNBase model(Device device) {
        RNNBase lstm = new LSTM(INPUT, HIDDEN, RNNBase.Options.defaults().bidirectional(true).batchFirst(true),
                new Rng(42));
        lstm.to(device);
        lstm.eval();
        return lstm;
    }

    /**
     * The lengths 48 and 4 + (b·29 mod 45) for b = 1..31 (4 to 48), sorted longest first as the tagger's batches come
     * from SequenceLoader, so the layer runs them packed (the peer script uses the same).
     */
    static int[] lengths() {
        int[] l = new int[BATCH];
        for (int b = 0; b < BATCH; b++) {
            l[b] = b == 0 ? LONGEST : 4 + (b * 29) % 45;
        }
        Arrays.sort(l);
        for (int i = 0; i < BATCH / 2; i++) { // descending
            int t = l[i];
            l[i] = l[BATCH - 1 - i];
            l[BATCH - 1 - i] = t;
        }
        return l;
    }

    static void check() {
        try (GradMode.Scope off = GradMode.off()) {
            float[] want = model(Device.reference()).forward(Inputs.uniform(Device.reference(), 1, BATCH, LONGEST, INPUT),
                    null, lengths()).output().toFloatArray();
            float[] got = model(Device.cpu()).forward(Inputs.uniform(Device.cpu(), 1, BATCH, LONGEST, INPUT), null,
                    lengths()).output().toFloatArray();
            Agreement.assertClose("tagger_lstm_forward_b32 output", want, got, 1e-4, 1e-5);
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void forward(Blackhole sink) {
        try (GradMode.Scope off = GradMode.off(); MemoryScope scope = MemoryScope.open()) {
            sink.consume(lstm.forward(x, null, lengths).output().storage());
        }
    }
}
