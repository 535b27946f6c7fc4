package striate.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import striate.backend.Backend;
import striate.backend.Backends;
import striate.backend.Traffic;

/**
 * Tensor.copyFrom, to(Device) and the raw-byte conversions go through the backends' copy primitive: the values
 * arrive, only the view's bytes move, and the backend that runs the copy counts them (between two reference devices,
 * the destination's, as device→device). Devices reference:5 and reference:6 are used by this test alone.
 */
class TensorCopyTest {
    private static final Device A = new Device(Device.Kind.REFERENCE, 5);
    private static final Device B = new Device(Device.Kind.REFERENCE, 6);

    private static Traffic traffic(Device d) {
        return Backends.of(d).traffic();
    }

    private static Tensor counting(Device d, long... dims) {
        double[] v = new double[Math.toIntExact(Shape.of(dims).size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 1;
        }
        return Tensor.of(d, DType.F32, v, dims);
    }

    @Test
    void aSliceCopyMovesTheSliceAlone() {
        Tensor big = counting(A, 1000, 4); // 16,000 bytes
        Tensor dst = Tensor.zeros(B, DType.F32, 10, 4);
        Traffic a0 = traffic(A);
        Traffic b0 = traffic(B);
        dst.slice(0, 2, 5).copyFrom(big.slice(0, 500, 503)); // 3 rows of 4 floats: 48 bytes
        assertEquals(new Traffic(0, 0, 48), traffic(B).minus(b0), "the destination's backend runs the copy");
        assertEquals(Traffic.NONE, traffic(A).minus(a0), "the source's backend moves nothing");
        double[] got = dst.toDoubleArray();
        for (int i = 0; i < 40; i++) {
            double expected = i >= 8 && i < 20 ? 500 * 4 + (i - 8) + 1 : 0;
            assertEquals(expected, got[i], "element " + i);
        }
    }

    @Test
    void aStridedViewMovesItsElementsAlone() {
        Tensor big = counting(A, 6, 50);
        Traffic b0 = traffic(B);
        Tensor column = big.slice(1, 7, 9).to(B); // [6, 2], strided in the source: 12 floats
        assertEquals(new Traffic(0, 0, 48), traffic(B).minus(b0));
        assertArrayEquals(new double[] {8, 9, 58, 59, 108, 109, 158, 159, 208, 209, 258, 259}, column.toDoubleArray());
        assertTrue(column.isContiguous());
        assertSame(big, big.to(A));
    }

    @Test
    void anotherDtypeIsCastOnTheSourceDevice() {
        Tensor ints = Tensor.ofInts(A, new int[] {3, -2, 7});
        Tensor floats = Tensor.zeros(B, DType.F64, 3);
        floats.copyFrom(ints);
        assertArrayEquals(new double[] {3, -2, 7}, floats.toDoubleArray());
    }

    @Test
    void aBroadcastViewCannotBeWritten() {
        Tensor row = Tensor.zeros(B, DType.F32, 1, 4).expand(Shape.of(3, 4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> row.copyFrom(counting(A, 3, 4)));
        assertTrue(e.getMessage().contains("broadcast view"), e.getMessage());
        assertThrows(ShapeMismatchException.class, () -> Tensor.zeros(B, DType.F32, 4).copyFrom(counting(A, 5)));
    }

    @Test
    void rawBytesInAndOut() {
        float[] values = {1.5f, -2, 3, 4, 5, 6};
        Tensor t = Tensor.of(B, DType.F32, MemorySegment.ofArray(values), 2, 3);
        assertArrayEquals(new double[] {1.5, -2, 3, 4, 5, 6}, t.toDoubleArray());
        float[] back = new float[3];
        t.transpose(0, 1).slice(0, 1, 2).copyTo(MemorySegment.ofArray(back).asSlice(0, 8)); // column 1 as [1, 2]
        assertArrayEquals(new float[] {-2, 5, 0}, back);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> t.copyFrom(MemorySegment.ofArray(new float[5])));
        assertTrue(e.getMessage().contains("20 bytes of host memory for a float32 tensor of shape [2, 3], which holds 24"),
                e.getMessage());
    }

    @Test
    void theCopierIsTheDestinationWithinAKind() {
        Tensor a = Tensor.zeros(A, DType.F32, 2);
        Tensor b = Tensor.zeros(B, DType.F32, 2);
        assertSame(b.backend(), Backend.copier(a, b));
        assertSame(a.backend(), Backend.copier(b, a));
    }
}
