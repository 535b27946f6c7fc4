package striate.parallel;

import java.util.ArrayList;
import java.util.List;
import striate.tensor.Shape;

/**
 * Where each parameter's gradient lives in a replica's flat buffer, and which parameters reduce together. The
 * parameters are taken in reverse registration order (the output layer's first: the order in which backward
 * finishes them) and packed back to back; a bucket is a run of consecutive parameters of at most
 * {@code bucketBytes}, except that a larger parameter makes a bucket of its own. Parameter i here is the i-th in
 * that reversed order.
 */
final class Buckets {
    private final long[] offsets; // [parameters + 1]: parameter i is elements [offsets[i], offsets[i + 1])
    private final int[] bucketOf; // [parameters]
    private final int[] firstParameter; // [buckets + 1]: bucket k holds parameters [firstParameter[k], firstParameter[k + 1])

    /** {@code shapes}: the parameters' shapes in reverse registration order; {@code elementBytes}: their dtype's size. */
    Buckets(List<Shape> shapes, int elementBytes, long bucketBytes) {
        if (bucketBytes < 1) {
            throw new IllegalArgumentException("bucket size must be >= 1 byte, got " + bucketBytes);
        }
        int count = shapes.size();
        offsets = new long[count + 1];
        bucketOf = new int[count];
        List<Integer> firsts = new ArrayList<>();
        long bucketStart = 0;
        for (int i = 0; i < count; i++) {
            long end = offsets[i] + shapes.get(i).size();
            if (firsts.isEmpty() || (end - bucketStart) * elementBytes > bucketBytes && offsets[i] > bucketStart) {
                firsts.add(i);
                bucketStart = offsets[i];
            }
            bucketOf[i] = firsts.size() - 1;
            offsets[i + 1] = end;
        }
        firsts.add(count);
        firstParameter = firsts.stream().mapToInt(Integer::intValue).toArray();
    }

    int buckets() {
        return firstParameter.length - 1;
    }

    /** Elements of all gradients together: the length of a replica's flat buffer. */
    long elements() {
        return offsets[offsets.length - 1];
    }

    long offset(int parameter) {
        return offsets[parameter];
    }

    long size(int parameter) {
        return offsets[parameter + 1] - offsets[parameter];
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

    /** One past bucket {@code k}'s last element. */
    long end(int k) {
        return offsets[firstParameter[k + 1]];
    }
}
