package striate.parallel;

import java.util.List;
import striate.tensor.Tensor;

/**
 * The in-process {@link GradientExchange}: a ring all-reduce over N replicas' buffers (Patarasuk &amp; Yuan, 2009;
 * the algorithm of Baidu's ring all-reduce and NCCL's ring). Each buffer of L elements is cut into N chunks as even
 * as possible (chunk c is [c·L/N, (c+1)·L/N); some are empty when L &lt; N). Then, with r + 1 meaning (r + 1) mod N:
 * <ul>
 * <li>reduce-scatter, steps s = 0 … N−2: replica r sends chunk (r − s) to replica r + 1, which adds it to its own;
 *     afterwards replica r holds the full sum of chunk r + 1;</li>
 * <li>all-gather, steps s = 0 … N−2: replica r sends chunk (r + 1 − s) to replica r + 1, which copies it.</li>
 * </ul>
 * Each replica sends and receives L·(N−1)/N elements per phase, whatever N. The N transfers of one step touch
 * different chunks, so a device link may run them at once; here they run one after another on the calling thread.
 * Deterministic: chunk c is summed in the fixed order ((b_c + b_{c+1}) + b_{c+2}) + …, whatever the timing, and the
 * all-gather copies that one sum everywhere, so all buffers end bit-identical.
 */
public final class RingAllReduce implements GradientExchange {
    private final ChunkLink link;

    /** A ring whose transfers go through {@code link}. */
    public RingAllReduce(ChunkLink link) {
        this.link = link;
    }

    @Override
    public void allReduce(int bucket, List<Tensor> buffers) {
        int n = buffers.size();
        long length = check(bucket, buffers);
        for (int s = 0; s < n - 1; s++) {
            for (int r = 0; r < n; r++) {
                int c = Math.floorMod(r - s, n);
                long start = start(c, length, n);
                link.add(buffers.get(r), buffers.get((r + 1) % n), start, start(c + 1, length, n) - start);
            }
        }
        for (int s = 0; s < n - 1; s++) {
            for (int r = 0; r < n; r++) {
                int c = Math.floorMod(r + 1 - s, n);
                long start = start(c, length, n);
                link.copy(buffers.get(r), start, buffers.get((r + 1) % n), start, start(c + 1, length, n) - start);
            }
        }
    }

    /** First element of chunk {@code c} of {@code n} over {@code length} elements (chunk n starts at the end). */
    static long start(int c, long length, int n) {
        return c * length / n;
    }

    /** The common length of the buffers, or an error naming the bucket and the buffer that differs. */
    private static long check(int bucket, List<Tensor> buffers) {
        if (buffers.isEmpty()) {
            throw new IllegalArgumentException("RingAllReduce: bucket " + bucket + " has no buffers");
        }
        Tensor first = buffers.getFirst();
        for (int r = 0; r < buffers.size(); r++) {
            Tensor b = buffers.get(r);
            if (b.rank() != 1 || b.size() != first.size() || b.dtype() != first.dtype()) {
                throw new IllegalArgumentException("RingAllReduce: bucket " + bucket + ": buffer " + r + " is "
                        + b.shape() + " " + b.dtype() + " but buffer 0 is " + first.shape() + " " + first.dtype()
                        + "; every replica's buffer must be 1-D of the same length and dtype");
            }
        }
        return first.size();
    }
}
