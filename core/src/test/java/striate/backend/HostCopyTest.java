package striate.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * The host copy against its definition (element i of dst = element i of src, each view walked by its strides):
 * between every pair of layouts of one shape (contiguous, inside a larger tensor, transposed storage, permuted and
 * sliced), in 4- and 8-byte types; a broadcast source; rank 0; into and out of plain, byte-aligned memory. Values
 * go in and come out through element access ({@code copyFrom(double[])}, {@code toDoubleArray}), not the copy.
 */
class HostCopyTest {
    private static final Device REF = Device.reference();

    /** Zeroed views of shape [d0, d1, d2] laid out four ways. */
    private static List<Tensor> layouts(DType dtype, long d0, long d1, long d2) {
        return List.of(
                Tensor.zeros(REF, dtype, d0, d1, d2),
                Tensor.zeros(REF, dtype, d0 + 1, d1 + 2, d2 + 3).slice(0, 1, 1 + d0).slice(1, 2, 2 + d1)
                        .slice(2, 0, d2),
                Tensor.zeros(REF, dtype, d2, d1, d0).permute(2, 1, 0),
                Tensor.zeros(REF, dtype, d1, d0 + 1, d2 + 2).permute(1, 0, 2).slice(0, 0, d0).slice(2, 1, 1 + d2));
    }

    private static double[] counting(long n) {
        double[] v = new double[Math.toIntExact(n)];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 1;
        }
        return v;
    }

    @Test
    void everyPairOfLayoutsCopiesElementForElement() {
        for (DType dtype : List.of(DType.F32, DType.F64, DType.I32)) {
            for (long[] dims : List.of(new long[] {4, 5, 6}, new long[] {3, 1, 7}, new long[] {1, 1, 9})) {
                double[] values = counting(Shape.of(dims).size());
                List<Tensor> sources = layouts(dtype, dims[0], dims[1], dims[2]);
                for (int a = 0; a < sources.size(); a++) {
                    Tensor src = sources.get(a);
                    src.copyFrom(values);
                    List<Tensor> targets = layouts(dtype, dims[0], dims[1], dims[2]);
                    for (int b = 0; b < targets.size(); b++) {
                        HostCopy.copy(src, targets.get(b));
                        assertArrayEquals(values, targets.get(b).toDoubleArray(),
                                dtype + " " + Shape.of(dims) + ": layout " + a + " into layout " + b);
                    }
                }
            }
        }
    }

    @Test
    void onlyTheViewsElementsAreWritten() {
        Tensor whole = Tensor.zeros(REF, DType.F32, 4, 5, 6);
        Tensor target = whole.permute(2, 0, 1).slice(1, 0, 3); // [6, 3, 5]: whole's (i, j, k) for i < 3
        Tensor src = Tensor.zeros(REF, DType.F32, 6, 3, 5);
        src.copyFrom(counting(90));
        HostCopy.copy(src, target);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 5; j++) {
                for (int k = 0; k < 6; k++) {
                    double expected = i < 3 ? src.get(k, i, j) : 0;
                    assertEquals(expected, whole.get(i, j, k), "element " + i + ", " + j + ", " + k);
                }
            }
        }
    }

    @Test
    void aBroadcastSourceAndRankZero() {
        Tensor row = Tensor.of(REF, new float[] {1, 2, 3, 4, 5}, 1, 5);
        Tensor dst = Tensor.zeros(REF, DType.F32, 3, 5);
        HostCopy.copy(row.expand(Shape.of(3, 5)), dst);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 1, 2, 3, 4, 5}, dst.toFloatArray());
        Tensor scalar = Tensor.scalar(REF, DType.F64, 2.5);
        Tensor vector = Tensor.zeros(REF, DType.F64, 4);
        HostCopy.copy(scalar, vector.slice(0, 2, 3).reshape());
        assertArrayEquals(new double[] {0, 0, 2.5, 0}, vector.toDoubleArray());
    }

    @Test
    void toAndFromPlainMemory() {
        Rng rng = new Rng(5);
        int[] values = new int[60];
        for (int i = 0; i < values.length; i++) {
            values[i] = rng.nextInt(1000);
        }
        Tensor view = Tensor.ofInts(REF, values, 3, 4, 5).permute(2, 1, 0); // [5, 4, 3]
        MemorySegment out = MemorySegment.ofArray(new byte[60 * 4 + 1]).asSlice(1); // not int-aligned
        HostCopy.copy(view, out);
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 3; k++) {
                    assertEquals(values[(k * 4 + j) * 5 + i], out.get(ValueLayout.JAVA_INT_UNALIGNED,
                            ((i * 4L + j) * 3 + k) * 4), "element " + i + ", " + j + ", " + k);
                }
            }
        }
        Tensor back = Tensor.zeros(REF, DType.I32, 3, 4, 5).permute(2, 1, 0);
        HostCopy.copy(out, back);
        assertArrayEquals(java.util.Arrays.stream(values).asDoubleStream().toArray(),
                back.permute(2, 1, 0).toDoubleArray());
    }
}
