package striate.nn;

import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * The lengths of a padded batch's sequences, checked against it: each in [1, seq], one per sequence. Gives the
 * recurrent layers their step mask [steps, n, 1], 1 where step t is inside sequence b (t < lengths[b]), else 0.
 */
final class SequenceLengths {
    private final int[] lengths;

    private SequenceLengths(int[] lengths) {
        this.lengths = lengths;
    }

    /** Checks {@code lengths} against a batch of n sequences padded to seq steps; errors name {@code layer}. */
    static SequenceLengths of(String layer, int[] lengths, long seq, long n) {
        if (lengths.length != n) {
            throw new IllegalArgumentException(layer + ": " + lengths.length + " lengths for a batch of " + n
                    + " sequences; give one length per sequence");
        }
        for (int b = 0; b < lengths.length; b++) {
            if (lengths[b] < 1) {
                throw new IllegalArgumentException(layer + ": lengths[" + b + "] = " + lengths[b]
                        + ": an empty sequence; every sequence needs at least one step (drop empty ones from the batch)");
            }
            if (lengths[b] > seq) {
                throw new IllegalArgumentException(layer + ": lengths[" + b + "] = " + lengths[b]
                        + " is longer than the padded batch (" + seq + " steps)");
            }
        }
        return new SequenceLengths(lengths.clone());
    }

    /** The longest length. */
    long longest() {
        long m = 0;
        for (int len : lengths) {
            m = Math.max(m, len);
        }
        return m;
    }

    /** True when every sequence has {@code steps} steps. */
    boolean allEqual(long steps) {
        for (int len : lengths) {
            if (len != steps) {
                return false;
            }
        }
        return true;
    }

    /**
     * For lengths sorted longest first: live[t] = how many sequences run at step t (those rows are a prefix of the
     * batch), for t in [0, steps); null when the lengths are not in that order.
     */
    int[] liveRows(long steps) {
        for (int b = 1; b < lengths.length; b++) {
            if (lengths[b] > lengths[b - 1]) {
                return null;
            }
        }
        int[] live = new int[Math.toIntExact(steps)];
        for (int t = 0; t < live.length; t++) {
            int a = 0;
            while (a < lengths.length && lengths[a] > t) {
                a++;
            }
            live[t] = a;
        }
        return live;
    }

    /** [steps, n, 1] of {@code dtype} on {@code device}: 1 where t < lengths[b], else 0. */
    Tensor mask(long steps, Device device, DType dtype) {
        int n = lengths.length;
        double[] m = new double[Math.toIntExact(steps * n)];
        for (int t = 0; t < steps; t++) {
            for (int b = 0; b < n; b++) {
                m[t * n + b] = t < lengths[b] ? 1 : 0;
            }
        }
        return Tensor.of(device, dtype, m, steps, n, 1);
    }
}
