import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import striate.tensor.Tensor;
import striate.train.Checkpoint;

/**
 * Exits 0 when two checkpoints hold the same weights and optimizer state, bit for bit, and the same step; else says
 * which tensor differs and exits 1. Their histories may differ (seconds, images/s, and the last bits of the mean
 * loss of an epoch a stage resumed in). Run with the Striate jar on the class path:
 * {@code java -cp spark/target/striate-spark.jar benchmarks/spark/SameWeights.java A.ckpt B.ckpt}.
 */
public final class SameWeights {
    public static void main(String[] args) throws Exception {
        Checkpoint a = Checkpoint.load(Path.of(args[0]));
        Checkpoint b = Checkpoint.load(Path.of(args[1]));
        String why = a.globalStep() != b.globalStep() ? "steps " + a.globalStep() + " and " + b.globalStep()
                : differs("weight", a.model(), b.model()) != null ? differs("weight", a.model(), b.model())
                : differs("optimizer tensor", a.optimizer(), b.optimizer());
        if (why != null) {
            System.err.println("SameWeights: " + why);
            System.exit(1);
        }
    }

    private static String differs(String what, Map<String, Tensor> a, Map<String, Tensor> b) {
        if (!a.keySet().equals(b.keySet())) {
            return what + " names " + a.keySet() + " and " + b.keySet();
        }
        for (String name : a.keySet()) {
            Tensor x = a.get(name);
            Tensor y = b.get(name);
            if (x.dtype() != y.dtype() || !x.shape().equals(y.shape())) {
                return what + " " + name + " is " + x.dtype() + " " + x.shape() + " and " + y.dtype() + " " + y.shape();
            }
            if (!Arrays.equals(x.toDoubleArray(), y.toDoubleArray())) {
                return what + " " + name + " differs";
            }
        }
        return null;
    }
}
