package striate.bench;

import java.util.Arrays;
import striate.backend.Backends;
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
 * every parameter of one step over 3 time steps are compared with the CPU backend's.
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
            RecurrentTrainStep.checkAgainst(d, Device.cpu(), cell, RecurrentTrainStep.BATCH,
                    RecurrentTrainStep.CHECK_SEQUENCE, RecurrentTrainStep.SIZE);
            RNNBase rnn = RecurrentTrainStep.model(cell, RecurrentTrainStep.SIZE, d);
            Optimizer optimizer = Sgd.builder(rnn.namedParameters()).lr(0.01).build();
            Tensor x = Inputs.uniform(d, 1, RecurrentTrainStep.BATCH, RecurrentTrainStep.SEQUENCE,
                    RecurrentTrainStep.SIZE).requiresGrad(true);
            int repeats = 20;
            double[] t = new double[repeats];
            for (int i = -5; i < repeats; i++) {
                try (MemoryScope scope = MemoryScope.open()) {
                    cuda.synchronize();
                    long start = System.nanoTime();
                    RecurrentTrainStep.loss(rnn, x).backward();
                    optimizer.step();
                    optimizer.zeroGrad();
                    x.setGrad(null);
                    cuda.synchronize();
                    if (i >= 0) {
                        t[i] = (System.nanoTime() - start) / 1e6;
                    }
                }
            }
            Arrays.sort(t);
            System.out.printf("RESULT %s_step_2x512_b64_t35 %.2f ms/step (min %.2f, max %.2f)%n", cell, t[repeats / 2],
                    t[0], t[repeats - 1]);
        }
        System.out.println("memory: " + cuda.memory());
    }
}
