package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.nn.Functional;
import striate.nn.Functional.LstmState;
import striate.nn.Losses;
import striate.op.EmbeddingBackwardOp;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.Tolerance;

/**
 * A sequence tagger's training step built from the recurrent ops as a layer composes them (embedding, the input
 * projection of every step in one product, an LSTM layer then a GRU layer step by step with masks for the
 * shorter sequences, the steps stacked, a linear output, cross-entropy ignoring padded targets), run on {@code cpu}
 * and on the reference from the same float32 weights: the same loss and gradients, every op on a CPU kernel (none
 * borrowed from the reference), the cells on their vector path.
 */
class RecurrentStepTest {
    private static final int T = 7;
    private static final int N = 5;
    private static final int VOCAB = 40;
    private static final int D = 16;
    private static final int H = 24; // not a multiple of 16 lanes: full vectors and a tail
    private static final int G = 20;
    private static final int TAGS = 9;
    private static final int[] LENGTHS = {7, 3, 5, 1, 7};

    /** The weights, ids and targets on {@code d}: the same float32 values on every device. */
    private static Tensor[] inputs(Device d) {
        Tensor[] w = {
            Fixtures.uniform(d, 1, -1, 1, VOCAB, D),          // embedding
            Fixtures.uniform(d, 2, -0.3, 0.3, 4 * H, D),      // LSTM W_ih
            Fixtures.uniform(d, 3, -0.3, 0.3, 4 * H, H),      // LSTM W_hh
            Fixtures.uniform(d, 4, -0.3, 0.3, 4 * H),         // LSTM b
            Fixtures.uniform(d, 5, -0.3, 0.3, 3 * G, H),      // GRU W_ih
            Fixtures.uniform(d, 6, -0.3, 0.3, 3 * G, G),      // GRU W_hh
            Fixtures.uniform(d, 7, -0.3, 0.3, 3 * G),         // GRU b_hh
            Fixtures.uniform(d, 8, -0.3, 0.3, TAGS, G),       // output
        };
        for (Tensor t : w) {
            t.requiresGrad(true);
        }
        int[] targets = Fixtures.labels(Device.reference(), 9, T * N, TAGS).toIntArray();
        for (int t = 0; t < T; t++) {
            for (int b = 0; b < N; b++) {
                if (t >= LENGTHS[b]) {
                    targets[t * N + b] = Losses.IGNORE_INDEX;
                }
            }
        }
        Tensor ids = Fixtures.labels(d, 10, T * N, VOCAB).reshape(T, N);
        Tensor[] all = new Tensor[w.length + 2];
        System.arraycopy(w, 0, all, 0, w.length);
        all[w.length] = ids;
        all[w.length + 1] = Tensor.ofInts(d, targets, T * N);
        return all;
    }

    /** mask[t] [n, 1]: 1 where step t is inside the sequence, else 0 (the state is carried unchanged). */
    private static Tensor mask(Device d, int t) {
        double[] m = new double[N];
        for (int b = 0; b < N; b++) {
            m[b] = t < LENGTHS[b] ? 1 : 0;
        }
        return Tensor.of(d, DType.F32, m, N, 1);
    }

    /** The loss of one step; gradients land in the weights. */
    private static Tensor loss(Tensor[] in) {
        Device d = in[0].device();
        Tensor x = Functional.embedding(in[8], in[0], 0); // [t, n, d]
        Tensor xp = x.reshape(T * N, D).matmul(in[1], false, true).add(in[3]).reshape(T, N, 4 * H);
        Tensor h = Tensor.zeros(d, DType.F32, N, H);
        Tensor c = Tensor.zeros(d, DType.F32, N, H);
        Tensor g = Tensor.zeros(d, DType.F32, N, G);
        Tensor[] out = new Tensor[T];
        for (int t = 0; t < T; t++) {
            Tensor m = mask(d, t);
            Tensor gates = xp.slice(0, t, t + 1).reshape(N, 4 * H).add(h.matmul(in[2], false, true)); // [n, 4h]
            LstmState s = Functional.lstmCell(gates, c);
            h = Tensor.where(m, s.h(), h);
            c = Tensor.where(m, s.c(), c);
            Tensor next = Functional.gruCell(h.matmul(in[4], false, true), g.matmul(in[5], false, true).add(in[6]), g);
            g = Tensor.where(m, next, g);
            out[t] = g.mul(m);
        }
        Tensor logits = Tensor.stack(0, out).reshape(T * N, G).matmul(in[7], false, true); // [t·n, tags]
        return Losses.crossEntropy(logits, in[9], Losses.IGNORE_INDEX, Losses.Reduction.MEAN);
    }

    @Test
    void aStepOnCpuMatchesTheReferenceAndRunsOnlyCpuKernels() {
        try (MemoryScope scope = MemoryScope.open()) { // pool memory: every tensor off-heap, as in training
            Tensor[] ref = inputs(Device.reference());
            Tensor refLoss = loss(ref);
            refLoss.backward();
            Tensor[] cpu = inputs(Device.cpu());
            List<KernelTrace.Event> events;
            try (KernelTrace.Recorder trace = KernelTrace.record()) {
                Tensor cpuLoss = loss(cpu);
                cpuLoss.backward();
                events = trace.events();
                new Tolerance(1e-6, 1e-5).assertClose("loss", refLoss, cpuLoss);
            }
            for (int i = 0; i < 8; i++) {
                new Tolerance(1e-5, 1e-4).assertClose("gradient of weight " + i, ref[i].grad(), cpu[i].grad());
            }
            assertEquals(List.of(), events.stream().filter(KernelTrace.Event::borrowed).toList(), "reference kernels");
            Set<String> ran = new TreeSet<>();
            events.forEach(e -> ran.add(e.op().replaceAll("\\(.*", "") + " → " + e.kernel()
                    + (e.path() == null ? "" : " [" + e.path() + "]")));
            assertTrue(ran.containsAll(List.of("EmbeddingOp → CpuEmbedding", "EmbeddingBackwardOp → CpuEmbedding",
                    "LstmCellOp → CpuRecurrent [vector]", "LstmCellBackwardOp → CpuRecurrent [vector]",
                    "GruCellOp → CpuRecurrent [vector]", "GruCellBackwardOp → CpuRecurrent [vector]",
                    "CatOp → CpuCopy", "CrossEntropyOp → CpuSoftmax", "CrossEntropyBackwardOp → CpuSoftmax")),
                    ran.toString());
            // The step slices of the input projection are joined by one CatOp, not padded to [t, n, 4h] each; the one
            // pad is the last LSTM step's [2, n, h] output, whose c' no later step reads.
            assertEquals(1, events.stream().filter(e -> e.op().startsWith("PadOp")).count(), ran.toString());
        }
    }

    @Test
    void smallTensorsInHeapMemoryTakeThePlainPath() {
        Tensor gates = Fixtures.uniform(Device.cpu(), 11, -4, 4, 2, 12); // h = 3: outputs of 24 floats, on the heap
        Tensor c = Fixtures.uniform(Device.cpu(), 12, -1, 1, 2, 3);
        try (KernelTrace.Recorder trace = KernelTrace.record()) {
            Functional.lstmCell(gates, c);
            assertEquals("LstmCellOp → CpuRecurrent [plain]", trace.events().getFirst().toString());
        }
    }

    @Test
    void anIdOutsideTheWeightIsTheReferencesError() {
        Tensor w = Fixtures.uniform(Device.cpu(), 13, -1, 1, 6, 33);
        Tensor ids = Tensor.ofInts(Device.cpu(), new int[] {0, 5, 6, 1}, 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Functional.embedding(ids, w, -1));
        assertEquals("EmbeddingOp: ids[1, 0] = 6 is not a row of the 6-row weight; ids must lie in [0, 6)",
                e.getMessage());
        Tensor dy = Fixtures.uniform(Device.cpu(), 14, -1, 1, 2, 2, 33);
        e = assertThrows(IllegalArgumentException.class, () -> Tensor.apply(
                new EmbeddingBackwardOp(6, -1), dy, ids));
        assertTrue(e.getMessage().startsWith("EmbeddingBackwardOp: ids[1, 0] = 6"), e.getMessage());
    }
}
