package striate.bench;

import java.util.Arrays;
import striate.backend.Backends;
import striate.cuda.CudaBackend;
import striate.cuda.CudaGraph;
import striate.models.LeNet5;
import striate.nn.Losses;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * LeNet-5's training step on cuda:0 replayed from a CUDA graph (issue #19 item 3), for benchmarks/gpu/run-on-device.sh:
 * batch of 28×28 inputs, cross-entropy, backward, SGD lr 0.01 momentum 0.9. First the check: two nets from one
 * seed, 3 warm-up steps each eagerly (cuDNN's algorithm search, the momentum buffers), then 20 steps over 4 rotating
 * batches, one net eagerly and the other by replaying a graph captured once, each batch copied into the graph's input
 * tensors before its replay; every step's loss and, at the end, every parameter must agree within 1e-3. Then the
 * timing, each side synchronized around rounds of 200 steps: steps/s eager and replayed, median of 5 rounds, as
 * images/s. Inside a round each step still waits for the GPU once: cross-entropy reads its label check back (the
 * eager step after its forward; a replay after the graph has run, the check the capture deferred), which PyTorch's
 * device-side assert does not. PyTorch peer: benchmarks/gpu/torch_peer.py lenet (eager).
 * Usage: GpuGraphedStep [batch, default 64]
 */
public final class GpuGraphedStep {
    private static final int BATCHES = 4;

    private GpuGraphedStep() {
    }

    /** One step of {@code net} on (x, y), its loss's gradient seeded with {@code seed} (a constant made beforehand). */
    private static Tensor step(LeNet5 net, Optimizer optimizer, Tensor x, Tensor y, Tensor seed) {
        Tensor loss = Losses.crossEntropy(net.forward(x), y);
        loss.backward(seed);
        optimizer.step();
        optimizer.zeroGrad();
        return loss;
    }

    private static LeNet5 net(Device d) {
        LeNet5 net = new LeNet5(LeNet5.Config.defaults(), 42);
        net.to(d);
        return net;
    }

    private static Optimizer sgd(LeNet5 net) {
        return Sgd.builder(net.namedParameters()).lr(0.01).momentum(0.9).build();
    }

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 64;
        Device d = Device.cuda(0);
        CudaBackend cuda = (CudaBackend) Backends.of(d);
        System.out.println("options: " + cuda.options());
        Tensor[] xs = new Tensor[BATCHES];
        Tensor[] ys = new Tensor[BATCHES];
        for (int b = 0; b < BATCHES; b++) {
            xs[b] = Inputs.uniform(d, 10 + b, batch, 1, 28, 28);
            ys[b] = Inputs.labels(d, 20 + b, batch, 10);
        }
        Tensor seed = Tensor.ones(d, DType.F32);

        LeNet5 eager = net(d);
        Optimizer eagerSgd = sgd(eager);
        LeNet5 graphed = net(d);
        Optimizer graphedSgd = sgd(graphed);
        Tensor x = xs[0].copy(); // the graph's inputs: each batch is copied into them
        Tensor y = ys[0].copy();
        for (int i = 0; i < 3; i++) {
            step(eager, eagerSgd, xs[i % BATCHES], ys[i % BATCHES], seed).item();
            x.copyFrom(xs[i % BATCHES]);
            y.copyFrom(ys[i % BATCHES]);
            step(graphed, graphedSgd, x, y, seed).item();
        }
        Tensor[] loss = new Tensor[1];
        try (CudaGraph graph = cuda.captureGraph(() -> loss[0] = step(graphed, graphedSgd, x, y, seed))) {
            double worst = 0;
            for (int i = 3; i < 23; i++) {
                double want = step(eager, eagerSgd, xs[i % BATCHES], ys[i % BATCHES], seed).item();
                x.copyFrom(xs[i % BATCHES]);
                y.copyFrom(ys[i % BATCHES]);
                graph.replay();
                double got = loss[0].item();
                worst = Math.max(worst, Math.abs(got - want) / Math.max(1, Math.abs(want)));
            }
            var p = eager.namedParameters();
            var q = graphed.namedParameters();
            for (var e : p.entrySet()) {
                float[] a = e.getValue().value().toFloatArray();
                float[] b = q.get(e.getKey()).value().toFloatArray();
                for (int k = 0; k < a.length; k++) {
                    worst = Math.max(worst, Math.abs(a[k] - b[k]) / Math.max(1, Math.abs(a[k])));
                }
            }
            System.out.printf("CHECK graphed lenet step against eager over 20 steps: worst relative difference %.2e%n",
                    worst);
            if (!(worst <= 1e-3)) {
                throw new AssertionError("the replayed step drifted from the eager one: " + worst);
            }

            int steps = 200;
            double[] eagerRate = new double[5];
            double[] graphRate = new double[5];
            for (int r = -1; r < 5; r++) {
                cuda.synchronize();
                long start = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    step(eager, eagerSgd, xs[i % BATCHES], ys[i % BATCHES], seed);
                }
                cuda.synchronize();
                long mid = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    x.copyFrom(xs[i % BATCHES]);
                    y.copyFrom(ys[i % BATCHES]);
                    graph.replay();
                }
                cuda.synchronize();
                long end = System.nanoTime();
                if (r >= 0) {
                    eagerRate[r] = steps * 1e9 / (mid - start);
                    graphRate[r] = steps * 1e9 / (end - mid);
                }
            }
            Arrays.sort(eagerRate);
            Arrays.sort(graphRate);
            System.out.printf("RESULT lenet_train_b%d_eager %.0f images/s (%.0f steps/s)%n", batch,
                    eagerRate[2] * batch, eagerRate[2]);
            System.out.printf("RESULT lenet_train_b%d_cuda_graph %.0f images/s (%.0f steps/s; %.2fx eager)%n", batch,
                    graphRate[2] * batch, graphRate[2], graphRate[2] / eagerRate[2]);
            System.out.println("graph's own memory: " + graph.privateBytes() + " bytes; allocator: " + cuda.memory());
        }
    }
}
