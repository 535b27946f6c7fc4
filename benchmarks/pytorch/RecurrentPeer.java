import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import striate.nn.GRU;
import striate.nn.LSTM;
import striate.nn.Parameter;
import striate.nn.RNN;
import striate.nn.RNNBase;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * Striate's side of recurrent_conversion.py, run as a source file on core's classes: reads a layer's spec, PyTorch's
 * weights (by their PyTorch names), the input and the lengths from a folder, runs the layer on the reference backend
 * and writes the output, the final states and the gradients of loss = Σ output·r + Σ h_n·r (r_i = sin(i)) next to
 * them, as raw little-endian float32.
 * Usage: java --class-path core/target/classes benchmarks/pytorch/RecurrentPeer.java DIR
 */
public class RecurrentPeer {
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        List<String> spec = Files.readAllLines(dir.resolve("spec.txt"));
        String[] s = spec.get(0).split(" "); // kind in hidden layers bidirectional seq batch
        long in = Long.parseLong(s[1]);
        long hidden = Long.parseLong(s[2]);
        RNNBase.Options options = RNNBase.Options.defaults().numLayers(Integer.parseInt(s[3]))
                .bidirectional(Boolean.parseBoolean(s[4]));
        long seq = Long.parseLong(s[5]);
        long batch = Long.parseLong(s[6]);
        int[] lengths = java.util.Arrays.stream(spec.get(1).split(" ")).mapToInt(Integer::parseInt).toArray();
        RNNBase layer = switch (s[0]) {
            case "LSTM" -> new LSTM(in, hidden, options, new Rng(0));
            case "GRU" -> new GRU(in, hidden, options, new Rng(0));
            case "RNN" -> new RNN(in, hidden, RNN.Nonlinearity.TANH, options, new Rng(0));
            default -> throw new IllegalArgumentException("unknown layer " + s[0]);
        };
        for (var e : layer.namedParameters().entrySet()) { // the conversion: PyTorch's names are ours
            Parameter p = e.getValue();
            p.set(read(dir.resolve(e.getKey() + ".f32"), p.value().shape().dims()));
        }
        Tensor x = read(dir.resolve("x.f32"), seq, batch, in);
        RNNBase.Output out = layer.forward(x, null, lengths);
        Tensor loss = out.output().mul(ramp(out.output())).sum().add(out.state().h().mul(ramp(out.state().h())).sum());
        loss.backward();
        write(dir.resolve("striate_output.f32"), out.output());
        write(dir.resolve("striate_h_n.f32"), out.state().h());
        if (out.state().c() != null) {
            write(dir.resolve("striate_c_n.f32"), out.state().c());
        }
        for (var e : layer.namedParameters().entrySet()) {
            write(dir.resolve("striate_grad_" + e.getKey() + ".f32"), e.getValue().grad());
        }
    }

    /** r_i = sin(i) in t's shape, row-major. */
    private static Tensor ramp(Tensor t) {
        double[] r = new double[Math.toIntExact(t.size())];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.sin(i);
        }
        return Tensor.of(Device.reference(), DType.F32, r, t.shape().dims());
    }

    private static Tensor read(Path file, long... dims) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[b.remaining() / 4];
        b.asFloatBuffer().get(v);
        return Tensor.of(Device.reference(), v, dims);
    }

    private static void write(Path file, Tensor t) throws IOException {
        float[] v = t.contiguous().toFloatArray();
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        Files.write(file, b.array());
    }
}
