package striate.parallel;

import java.util.ArrayList;
import java.util.List;
import striate.tensor.Shape;

/**
 * Where each parameter's gradient lives in a replica's flat buffer, and which parameters reduce together. The
 * parameters are taken in reverse registration order (the output layer's first: the order in which backward
 * finishes them); a bucket is a run of consecutive parameters of at most {@code bucketBytes}, except that a larger
 * parameter makes a bucket of its own. Within a bucket the gradients are packed back to back, so a bucket is one
 * contiguous range; each bucket starts at a multiple of {@value #ALIGNMENT} bytes (cudaMalloc's alignment, which
 * collective libraries' fast paths expect of the buffers they are given), and the gap before it belongs to no
 * parameter and is never reduced. Parameter i here is the i-th in that reversed order.
 *
 * <p>The last bucket also holds one usage flag per parameter, right after its gradients: 1 where a replica's
 * backward reached the parameter, 0 where not. They are summed with the gradients, so after the all-reduce a zero
 * says that no replica used the parameter (it then gets no gradient, as in PyTorch's DDP), at no extra collective:
 * the last bucket is the one backward finishes last anyway.
 */
final class Buckets {
    /** Every bucket's first element is at a multiple of this many bytes from the buffer's start. */
    static final int ALIGNMENT = 256;

    private final long[] offsets; // [parameters]: parameter i is elements [offsets[i], offsets[i] + sizes[i])
    private final long[] sizes; // [parameters]
    private final int[] bucketOf; // [parameters]
    private final int[] firstParameter; // [buckets + 1]: bucket k holds parameters [firstParameter[k], firstParameter[k + 1])
    private final long usageOffset; // the usage flags are elements [usageOffset, usageOffset + parameters)

    /** {@code shapes}: the parameters' shapes in reverse registration order; {@code elementBytes}: their dtype's size. */
    Buckets(List<Shape> shapes, int elementBytes, long bucketBytes) {
        if (bucketBytes < 1) {
            throw new IllegalArgumentException("bucket size must be >= 1 byte, got " + bucketBytes);
        }
        if (elementBytes < 1 || ALIGNMENT % elementBytes != 0) {
            throw new IllegalArgumentException("gradient buckets need an element size that divides " + ALIGNMENT
                    + " bytes, got " + elementBytes);
        }
        long alignment = ALIGNMENT / elementBytes; // in elements
        int count = shapes.size();
        offsets = new long[count];
        sizes = new long[count];
        bucketOf = new int[count];
        List<Integer> firsts = new ArrayList<>();
        long bucketStart = 0;
        long next = 0; // one past the previous parameter
        for (int i = 0; i < count; i++) {
            sizes[i] = shapes.get(i).size();
            if (firsts.isEmpty() || (next + sizes[i] - bucketStart) * elementBytes > bucketBytes && next > bucketStart) {
                firsts.add(i);
                next = (next + alignment - 1) / alignment * alignment;
                bucketStart = next;
            }
            bucketOf[i] = firsts.size() - 1;
            offsets[i] = next;
            next += sizes[i];
        }
        firsts.add(count);
        firstParameter = firsts.stream().mapToInt(Integer::intValue).toArray();
        usageOffset = next;
    }

    int buckets() {
        return firstParameter.length - 1;
    }

    /** The length of a replica's flat buffer: one past the last bucket's last element (its last usage flag). */
    long elements() {
        return buckets() == 0 ? 0 : end(buckets() - 1);
    }

    int parameters() {
        return sizes.length;
    }

    /** The first usage flag's element in the flat buffer: flag i, parameter i's, is at usageOffset() + i. */
    long usageOffset() {
        return usageOffset;
    }

    long offset(int parameter) {
        return offsets[parameter];
    }

    long size(int parameter) {
        return sizes[parameter];
    }

    int bucketOf(int parameter) {
        return bucketOf[parameter];
    }

    /** How many parameters bucket {@code k} holds. */
    int parametersIn(int k) {
        return firstParameter[k + 1] - firstParameter[k];
    }

    /** Bucket {@code k}'s first element in the flat buffer. */
    long start(int k) {
        return offsets[firstParameter[k]];
    }

    /** One past bucket {@code k}'s last element: the last bucket ends after the usage flags. */
    long end(int k) {
        if (k == buckets() - 1) {
            return usageOffset + sizes.length;
        }
        int last = firstParameter[k + 1] - 1;
        return offsets[last] + sizes[last];
    }
}
