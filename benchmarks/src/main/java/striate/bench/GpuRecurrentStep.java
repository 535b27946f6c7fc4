package striate.bench;

import java.util.Arrays;
import striate.backend.Backend;
import striate.backend.Backends;
import striate.backend.CapturedGraph;
import striate.cuda.CudaBackend;
import striate.nn.RNNBase;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * {@link RecurrentTrainStep}'s training step on cuda:0, for benchmarks/gpu/run-on-device.sh: a 2-layer LSTM or GRU
 * (input and hidden 512, batch-first) over x [64, 35, 512] that requires grad, loss = mean of the output, backward,
 * SGD lr 0.01, in milliseconds per step (median of 20 after 5 warm-up steps, synchronized around each). PyTorch peer:
 * benchmarks/pytorch/lstm_step.py --device cuda (cuDNN's RNN). Before timing, the loss and the gradients of x and of
 * every parameter of one step over 3 time steps are compared with the CPU backend's. Then the same step captured once
 * in a CUDA graph and replayed (issue #19 item 3: a step of about 300 launches, 2 per layer and time step each way):
 * its losses and weights over 5 steps against a twin model stepped eagerly, then its time, measured as the eager one.
 * Usage: GpuRecurrentStep [lstm|gru ...] (default: both)
 */
public final class GpuRecurrentStep {
    private GpuRecurrentStep() {
    }

    public static void main(String[] args) {
        String[] cells = args.length > 0 ? args : new String[] {"lstm", "gru"};
        Device d = Device.cuda(0);
        CudaBackend cuda = (CudaBackend) Backends.of(d);
        System.out.println("options: " + cuda.options());
        for (String cell : cells) {
            RecurrentTrainStep.checkAgainst(Device.cpu(), d, cell, RecurrentTrainStep.BATCH,
                    RecurrentTrainStep.CHECK_SEQUENCE, RecurrentTrainStep.SIZE);
            RNNBase rnn = RecurrentTrainStep.model(cell, RecurrentTrainStep.SIZE, d);
            Optimizer optimizer = Sgd.builder(rnn.namedParameters()).lr(0.01).build();
            Tensor x = Inputs.uniform(d, 1, RecurrentTrainStep.BATCH, RecurrentTrainStep.SEQUENCE,
                    RecurrentTrainStep.SIZE).requiresGrad(true);
            // as the peer (benchmarks/pytorch/lstm_step.py --warmup 20 --rounds 11 --steps 5): 20 warm-up steps (about
            // 300 launches each, which the JIT compiles the host side of), then rounds of 5 steps queued back to back,
            // synchronized at their ends; the median round's ms per step
            int rounds = 11; // odd: the median is one round's, as Python's statistics.median of 11
            int steps = 5;
            double[] t = new double[rounds];
            for (int r = -4; r < rounds; r++) {
                cuda.synchronize();
                long start = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    try (MemoryScope scope = MemoryScope.open()) {
                        RecurrentTrainStep.loss(rnn, x).backward();
                        optimizer.step();
                        optimizer.zeroGrad();
                        x.setGrad(null);
                    }
                }
                cuda.synchronize();
                if (r >= 0) {
                    t[r] = (System.nanoTime() - start) / 1e6 / steps;
                }
            }
            Arrays.sort(t);
            int repeats = 20; // the graphed replays' count
            System.out.printf("RESULT %s_step_2x512_b64_t35 %.2f ms/step (min %.2f, max %.2f; median of %d rounds of %d"
                    + " steps)%n", cell, t[rounds / 2], t[0], t[rounds - 1], rounds, steps);
            double[] replayed = new double[repeats];
            double worst = graphedAgainstEager(cell, RecurrentTrainStep.SIZE, RecurrentTrainStep.BATCH,
                    RecurrentTrainStep.SEQUENCE, d, 5, replayed, cuda::synchronize);
            System.out.printf("CHECK graphed %s step against eager over 5 steps: worst relative difference %.2e%n", cell,
                    worst);
            if (!(worst <= 1e-3)) {
                throw new AssertionError("the replayed " + cell + " step drifted from the eager one: " + worst);
            }
            Arrays.sort(replayed);
            System.out.printf("RESULT %s_step_2x512_b64_t35_cuda_graph %.2f ms/step (min %.2f, max %.2f; %.2fx eager)%n",
                    cell, replayed[repeats / 2], replayed[0], replayed[repeats - 1], t[rounds / 2] / replayed[repeats / 2]);
        }
        System.out.println("memory: " + cuda.memory());
    }

    /** One training step: the benchmark's loss, backward, SGD, every gradient cleared. */
    static Tensor step(RNNBase rnn, Optimizer optimizer, Tensor x) {
        Tensor loss = RecurrentTrainStep.loss(rnn, x);
        loss.backward();
        optimizer.step();
        optimizer.zeroGrad();
        x.setGrad(null);
        return loss;
    }

    /**
     * Two models of {@code cell} from one seed on {@code d}, over x [batch, seq, size]: after 2 eager steps each, one
     * steps eagerly and the other by replaying a graph of its step captured once, {@code steps} times. Returns the worst
     * relative difference of their losses and, at the end, of their parameters; then times {@code timed.length}
     * replays into {@code timed} (milliseconds, {@code synchronize} waiting for the device around each).
     */
    static double graphedAgainstEager(String cell, int size, int batch, int seq, Device d, int steps, double[] timed,
                                      Runnable synchronize) {
        Backend backend = Backends.of(d);
        RNNBase eager = RecurrentTrainStep.model(cell, size, d);
        RNNBase graphed = RecurrentTrainStep.model(cell, size, d);
        Optimizer eagerSgd = Sgd.builder(eager.namedParameters()).lr(0.01).build();
        Optimizer graphedSgd = Sgd.builder(graphed.namedParameters()).lr(0.01).build();
        Tensor x = Inputs.uniform(d, 1, batch, seq, size).requiresGrad(true);
        for (int i = 0; i < 2; i++) {
            step(eager, eagerSgd, x).item();
            step(graphed, graphedSgd, x).item();
        }
        Tensor[] loss = new Tensor[1];
        double worst = 0;
        try (CapturedGraph graph = backend.captureGraph(() -> loss[0] = step(graphed, graphedSgd, x))) {
            for (int i = 0; i < steps; i++) {
                double want = step(eager, eagerSgd, x).item();
                graph.replay();
                worst = Math.max(worst, Math.abs(loss[0].item() - want) / Math.max(1, Math.abs(want)));
            }
            for (var e : eager.namedParameters().entrySet()) {
                float[] a = e.getValue().value().toFloatArray();
                float[] b = graphed.namedParameters().get(e.getKey()).value().toFloatArray();
                for (int k = 0; k < a.length; k++) {
                    worst = Math.max(worst, Math.abs(a[k] - b[k]) / Math.max(1, Math.abs(a[k])));
                }
            }
            for (int i = 0; i < timed.length; i++) {
                synchronize.run();
                long start = System.nanoTime();
                graph.replay();
                synchronize.run();
                timed[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        return worst;
    }
}
