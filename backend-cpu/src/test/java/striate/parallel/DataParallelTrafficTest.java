package striate.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static striate.parallel.Training.LENET;
import static striate.parallel.Training.SGD;
import static striate.parallel.Training.cpus;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import striate.backend.Backends;
import striate.backend.Traffic;
import striate.nn.Module;
import striate.nn.Parameter;
import striate.tensor.Device;

/**
 * What one data-parallel LeNet-5 step on N CPU devices moves, byte for byte, per device, against a count derived
 * from the model's gradient sizes and the ring's schedule (not from a run). Replica r on cpu:r, whose backend runs
 * and counts every copy into it:
 * <ul>
 * <li>device→device: its slice of the batch when it is not on the batch's device (images [b, 1, 28, 28] and
 * labels [b]), every gradient into its flat buffer (all P parameters) and the usage flags after them (one per
 * parameter tensor: 10), and the chunks the ring sends it: in each bucket of L elements (the last one's L counts the
 * flags), cut into N chunks [c·L/N, (c+1)·L/N), replica r − 1 sends chunk (r − 1 − s) in reduce-scatter step s and
 * chunk (r − s) in all-gather step s, s = 0 … N − 2;</li>
 * <li>device→host: its logits [b, 10] (argmax) and labels [b] (accuracy), read back as float32 and int32 (not the
 * summed usage flags: a replica whose backward reached every parameter knows every sum is above 0);</li>
 * <li>host→device: nothing (the backward seed and the optimizer's scalars are written in place: host memory).</li>
 * </ul>
 */
class DataParallelTrafficTest {
    private static final long F32 = 4;
    private static final long IMAGE = 28 * 28;

    /** The parameters' sizes in reverse registration order: the flat buffer's layout. */
    private static List<Long> gradientSizes(Module m) {
        List<Long> sizes = new ArrayList<>();
        for (Parameter p : m.namedParameters().values()) {
            sizes.addFirst(p.value().size());
        }
        return sizes;
    }

    /** Bucket lengths: runs of consecutive gradients of at most bucketBytes, a larger gradient alone. */
    private static List<Long> buckets(List<Long> sizes, long bucketBytes) {
        List<Long> out = new ArrayList<>();
        long current = 0;
        for (long size : sizes) {
            if (current > 0 && (current + size) * F32 > bucketBytes) {
                out.add(current);
                current = 0;
            }
            current += size;
        }
        out.add(current);
        return out;
    }

    private static long chunk(int c, long length, int n) {
        return (c + 1) * length / n - c * length / n;
    }

    /** Elements replica r receives in the ring for one bucket of {@code length} on {@code n} devices. */
    private static long ringReceives(int r, long length, int n) {
        int sender = Math.floorMod(r - 1, n);
        long elements = 0;
        for (int s = 0; s < n - 1; s++) {
            elements += chunk(Math.floorMod(sender - s, n), length, n); // reduce-scatter: it adds this chunk
            elements += chunk(Math.floorMod(sender + 1 - s, n), length, n); // all-gather: it copies this chunk
        }
        return elements;
    }

    /** The traffic of each device's backend during the second of two steps (the first sets optimizer state up). */
    private static List<Traffic> stepTraffic(List<Device> devices, int batch, long bucketBytes) {
        Training.Batch b = Training.lenetBatches(1, batch).getFirst(); // on cpu:0
        try (DataParallel dp = DataParallel.builder(devices, LENET, SGD).bucketBytes(bucketBytes).build()) {
            dp.step(b.x(), b.y());
            List<Traffic> before = devices.stream().map(d -> Backends.of(d).traffic()).toList();
            dp.step(b.x(), b.y());
            List<Traffic> moved = new ArrayList<>();
            for (int r = 0; r < devices.size(); r++) {
                moved.add(Backends.of(devices.get(r)).traffic().minus(before.get(r)));
            }
            return moved;
        }
    }

    /** The derived traffic of every replica for a LeNet-5 step of {@code batch} on n CPU devices. */
    private static List<Traffic> expected(int n, int batch, long bucketBytes) {
        List<Long> sizes = gradientSizes(LENET.get());
        long parameters = sizes.stream().mapToLong(Long::longValue).sum();
        long flags = sizes.size();
        long[] bounds = DataParallel.bounds(batch, n);
        List<Traffic> out = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            long b = bounds[r + 1] - bounds[r];
            long slice = r == 0 ? 0 : b * IMAGE * F32 + b * F32; // replica 0 shares cpu:0 with the batch
            long ring = 0;
                List<Long> lengths = buckets(sizes, bucketBytes);
            lengths.set(lengths.size() - 1, lengths.getLast() + flags);
            for (long length : lengths) {
                ring += ringReceives(r, length, n);
            }
            out.add(new Traffic(0, b * 10 * F32 + b * F32, slice + (parameters + flags) * F32 + ring * F32));
        }
        return out;
    }

    @Test
    void twoDevicesBatch64() {
        assertEquals(61_706, gradientSizes(LENET.get()).stream().mapToLong(Long::longValue).sum());
        List<Traffic> want = expected(2, 64, DataParallel.DEFAULT_BUCKET_BYTES);
        // by hand: gradients and 10 flags in 4·61,716 = 246,864 B, the ring brings the other half of each chunk pair:
        // the same again; cpu:1 also receives its 32 images (100,352 B) and labels (128 B); both read back 32 logit
        // rows (1,280 B) and 32 labels (128 B)
        assertEquals(new Traffic(0, 1_408, 493_728), want.get(0));
        assertEquals(new Traffic(0, 1_408, 594_208), want.get(1));
        assertEquals(want, stepTraffic(cpus(2), 64, DataParallel.DEFAULT_BUCKET_BYTES));
    }

    @Test
    void threeDevicesUnevenSlicesAndManyBuckets() {
        long bucketBytes = 16 << 10;
        assertEquals(expected(3, 13, bucketBytes), stepTraffic(cpus(3), 13, bucketBytes));
        assertEquals(expected(3, 13, DataParallel.DEFAULT_BUCKET_BYTES),
                stepTraffic(cpus(3), 13, DataParallel.DEFAULT_BUCKET_BYTES));
    }
}
