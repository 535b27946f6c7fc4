package striate.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The ring all-reduce on N host devices (reference:0 … reference:N−1): every buffer ends with the sum of all of
 * them, bit-identical on every replica and from run to run, for buffers shorter than N (empty chunks) and longer;
 * and the data moves as a ring does, only from r to r + 1, L·(N−1)/N elements per phase.
 */
class RingAllReduceTest {
    private static final RingAllReduce RING = new RingAllReduce(new HostChunkLink());

    private static Device device(int r) {
        return new Device(Device.Kind.REFERENCE, r);
    }

    /** N buffers of {@code length} random floats, each a view at an offset inside a larger tensor on its device. */
    private static List<Tensor> buffers(int n, int length, long seed) {
        Rng rng = new Rng(seed);
        List<Tensor> out = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            float[] v = new float[length + 5];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(5) - 2));
            }
            out.add(Tensor.of(device(r), v).slice(0, 2, 2 + length));
        }
        return out;
    }

    private static float[][] values(List<Tensor> buffers) {
        return buffers.stream().map(Tensor::toFloatArray).toArray(float[][]::new);
    }

    @Test
    void everyReplicaEndsWithTheSumBitIdentically() {
        for (int n = 1; n <= 5; n++) {
            List<Integer> lengths = new ArrayList<>();
            for (int length = 0; length <= n + 3; length++) {
                lengths.add(length);
            }
            lengths.addAll(List.of(1000, 4099));
            for (int length : lengths) {
                String what = "N=" + n + ", length " + length;
                List<Tensor> buffers = buffers(n, length, 31L * n + length);
                float[][] before = values(buffers);
                RING.allReduce(0, buffers);
                float[][] after = values(buffers);
                for (int i = 0; i < length; i++) {
                    double sum = 0;
                    double magnitude = 0;
                    for (float[] b : before) {
                        sum += b[i];
                        magnitude += Math.abs(b[i]);
                    }
                    double got = after[0][i];
                    assertEquals(sum, got, 1e-6 * magnitude + 1e-30, what + ", element " + i);
                }
                for (int r = 1; r < n; r++) {
                    assertArrayEquals(after[0], after[r], what + ": replica " + r + " differs from replica 0");
                }
                List<Tensor> again = buffers(n, length, 31L * n + length);
                RING.allReduce(0, again);
                assertArrayEquals(after[0], values(again)[0], what + ": a second run differs");
            }
        }
    }

    @Test
    void theTensorLinkGivesTheHostLinksBits() {
        RingAllReduce viaTensors = new RingAllReduce(new TensorChunkLink());
        for (int n = 1; n <= 4; n++) {
            for (int length : new int[] {0, 3, 1000, 4099}) {
                List<Tensor> host = buffers(n, length, 11L * n + length);
                List<Tensor> tensor = buffers(n, length, 11L * n + length);
                RING.allReduce(0, host);
                viaTensors.allReduce(0, tensor);
                float[][] want = values(host);
                float[][] got = values(tensor);
                for (int r = 0; r < n; r++) {
                    assertArrayEquals(want[r], got[r], "n=" + n + ", length " + length + ", replica " + r);
                }
            }
        }
    }

    @Test
    void float64BuffersAreSummedToo() {
        List<Tensor> buffers = List.of(Tensor.of(device(0), DType.F64, new double[] {1, 2, 3}),
                Tensor.of(device(1), DType.F64, new double[] {10, 20, 30}),
                Tensor.of(device(2), DType.F64, new double[] {100, 200, 300}));
        RING.allReduce(3, buffers);
        for (Tensor b : buffers) {
            assertArrayEquals(new double[] {111, 222, 333}, b.toDoubleArray(), 0);
        }
    }

    @Test
    void dataOnlyMovesToTheNextReplicaAndEachSendsTwiceItsShareOfOthers() {
        int n = 4;
        int length = 10; // chunks of 2, 3, 2, 3 elements
        List<Tensor> buffers = buffers(n, length, 7);
        long[] sent = new long[n];
        ChunkLink counting = new ChunkLink() {
            private final HostChunkLink host = new HostChunkLink();

            @Override
            public void copy(Tensor src, long srcAt, Tensor dst, long dstAt, long count) {
                record(src, dst, count);
                host.copy(src, srcAt, dst, dstAt, count);
            }

            @Override
            public void add(Tensor src, Tensor dst, long at, long count) {
                record(src, dst, count);
                host.add(src, dst, at, count);
            }

            private void record(Tensor src, Tensor dst, long count) {
                int from = src.device().index();
                assertEquals((from + 1) % n, dst.device().index(), "a transfer that skips the ring");
                sent[from] += count;
            }
        };
        new RingAllReduce(counting).allReduce(0, buffers);
        for (int r = 0; r < n; r++) {
            // reduce-scatter sends every chunk but r + 1, all-gather every chunk but r + 2
            long expected = 2L * length - chunk(r + 1, length, n) - chunk(r + 2, length, n);
            assertEquals(expected, sent[r], "elements sent by replica " + r);
        }
    }

    private static long chunk(int c, int length, int n) {
        int k = c % n;
        return RingAllReduce.start(k + 1, length, n) - RingAllReduce.start(k, length, n);
    }

    @Test
    void buffersOfDifferentLengthsAreRefusedWithTheBucketNamed() {
        List<Tensor> buffers = List.of(Tensor.zeros(device(0), DType.F32, 4), Tensor.zeros(device(1), DType.F32, 5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RING.allReduce(2, buffers));
        assertTrue(e.getMessage().contains("bucket 2") && e.getMessage().contains("buffer 1"), e.getMessage());
    }
}
