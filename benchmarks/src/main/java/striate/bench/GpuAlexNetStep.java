package striate.bench;

import striate.amp.GradScaler;
import striate.amp.Precision;
import striate.autograd.Autocast;
import striate.backend.Backends;
import striate.cuda.CudaBackend;
import striate.models.AlexNet;
import striate.nn.Losses;
import striate.nn.Module;
import striate.nn.Parameter;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * AlexNet "One Weird Trick" shapes on cuda:0, for benchmarks/gpu/run-on-device.sh: one forward + cross-entropy +
 * backward per iteration (no optimizer step) at batch 128 on 3×224×224 inputs, 1,000 classes, in milliseconds per
 * iteration (median after a warm-up) and images/s. The layers are torchvision's single-tower AlexNet without
 * dropout and without the adaptive pool (224×224 gives the 6×6 map directly), {@code striate.models.AlexNet}'s
 * OWT variant with dropout 0: conv 11×11/4 pad 2 → 64, max 3/2, conv 5×5 pad 2 → 192, max 3/2, conv 3×3 → 384,
 * 256, 256, max 3/2, fully connected 9216 → 4096 → 4096 → 1000, ReLU after every layer but the last. PyTorch peer: benchmarks/gpu/torch_peer.py (the same layers).
 * With a precision of bf16 or fp16, the forward pass and the loss run under that {@link Precision}'s autocast and
 * the backward pass starts from its loss scaler's scaled loss, as a mixed-precision training step does (weights
 * stay float32); TF32 for fp32 is the backend's switch, {@code -Dstriate.cuda.tf32=true}.
 * Usage: GpuAlexNetStep [batch, default 128] [fp32|bf16|fp16, default fp32]; -Dstriate.bench.repeats=N times N steps
 * after the 5 of warm-up (default 20).
 */
public final class GpuAlexNetStep {
    private GpuAlexNetStep() {
    }

    /** torchvision's AlexNet layers without dropout: {@link AlexNet.Variant#OWT}, 1,000 classes, 224×224 RGB. */
    static AlexNet model(long seed) {
        return new AlexNet(new AlexNet.Config(AlexNet.Variant.OWT, 1000, 3, 224, 0), seed);
    }

    public static void main(String[] args) {
        int batch = args.length > 0 ? Integer.parseInt(args[0]) : 128;
        Precision precision = Precision.parse(args.length > 1 ? args[1] : "fp32");
        Device d = Device.cuda(0);
        CudaBackend cuda = (CudaBackend) Backends.of(d);
        System.out.println("options: " + cuda.options() + ", precision " + precision);
        GradScaler scaler = precision.scaler();
        Module net = model(42).to(d);
        Tensor x = Tensor.rand(d, DType.F32, Shape.of(batch, 3, 224, 224), -1, 1, 1);
        int[] labels = new int[batch];
        for (int i = 0; i < batch; i++) {
            labels[i] = (i * 37) % 1000;
        }
        Tensor y = Tensor.ofInts(d, labels);
        int repeats = Integer.getInteger("striate.bench.repeats", 20); // fewer under a profiler
        double[] t = new double[repeats];
        for (int i = -5; i < repeats; i++) {
            for (Parameter p : net.namedParameters().values()) {
                p.value().setGrad(null);
            }
            try (MemoryScope scope = MemoryScope.open()) {
                cuda.synchronize();
                long start = System.nanoTime();
                Tensor loss;
                try (Autocast.Scope autocast = precision.autocast()) {
                    loss = Losses.crossEntropy(net.forward(x), y);
                }
                scaler.scale(loss).backward();
                cuda.synchronize();
                if (i >= 0) {
                    t[i] = (System.nanoTime() - start) / 1e9;
                }
            }
        }
        java.util.Arrays.sort(t);
        double s = t[repeats / 2];
        String suffix = precision == Precision.FP32 ? "" : "_" + precision;
        System.out.printf("RESULT alexnet_owt_fwdbwd_b%d%s %.2f ms (%.0f images/s)%n", batch, suffix, s * 1e3,
                batch / s);
        System.out.println("memory: " + cuda.memory());
    }
}
