package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import striate.backend.Backend;
import striate.backend.Backends;
import striate.backend.Traffic;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * The copy primitive between CPU devices and the host, as the CPU backend counts it: cpu:7 → cpu:8 is
 * device→device on the receiving backend, the reference device (and Java arrays) is host memory, and only a view's
 * elements move. cpu:7 and cpu:8 are used by this test alone.
 */
class CpuBackendCopyTest {
    private static final Device A = new Device(Device.Kind.CPU, 7);
    private static final Device B = new Device(Device.Kind.CPU, 8);

    private static Traffic traffic(Device d) {
        return Backends.of(d).traffic();
    }

    private static Tensor counting(Device d, long rows, long columns) {
        float[] v = new float[Math.toIntExact(rows * columns)];
        for (int i = 0; i < v.length; i++) {
            v[i] = i + 1;
        }
        return Tensor.of(d, v, rows, columns);
    }

    @Test
    void aSliceCopyBetweenCpuDevicesMovesTheSliceAlone() {
        Tensor flat = counting(A, 1, 100_000).reshape(100_000); // 400,000 bytes
        Tensor into = Tensor.zeros(B, DType.F32, 50_000);
        Traffic a0 = traffic(A);
        Traffic b0 = traffic(B);
        into.slice(0, 1000, 1250).copyFrom(flat.slice(0, 60_000, 60_250)); // 250 floats
        assertEquals(new Traffic(0, 0, 1000), traffic(B).minus(b0));
        assertEquals(Traffic.NONE, traffic(A).minus(a0));
        assertEquals(60_001, into.get(1000));
        assertEquals(60_250, into.get(1249));
        assertEquals(0, into.get(999));
        assertEquals(0, into.get(1250));
    }

    @Test
    void hostMemoryIsTheReferenceDeviceAndJavaArrays() {
        Traffic a0 = traffic(A);
        Tensor t = counting(A, 4, 6); // from a float[]: 96 bytes in
        assertEquals(new Traffic(96, 0, 0), traffic(A).minus(a0));

        Traffic a1 = traffic(A);
        Tensor column = t.slice(1, 2, 3).to(Device.reference()); // [4, 1], strided: 16 bytes out
        assertArrayEquals(new float[] {3, 9, 15, 21}, column.toFloatArray());
        Tensor back = Tensor.zeros(A, DType.F32, 4, 1);
        back.copyFrom(column); // 16 bytes in
        assertArrayEquals(new float[] {3, 9, 15, 21}, t.slice(1, 2, 3).toFloatArray()); // 16 bytes out
        assertEquals(new Traffic(16, 32, 0), traffic(A).minus(a1));

        Traffic a2 = traffic(A);
        assertEquals(9.0, t.get(1, 2)); // element access reads host memory in place: not a copy
        assertEquals(24, t.toDoubleArray().length);
        assertEquals(Traffic.NONE, traffic(A).minus(a2));
    }

    @Test
    void theCpuBackendRunsItsCopiesWithTheReferenceDevice() {
        Tensor cpu = Tensor.zeros(A, DType.F32, 2);
        Tensor ref = Tensor.zeros(Device.reference(), DType.F32, 2);
        Backend mine = Backends.of(A);
        assertSame(mine, Backend.copier(ref, cpu));
        assertSame(mine, Backend.copier(cpu, ref));
        assertSame(Backends.of(B), Backend.copier(cpu, Tensor.zeros(B, DType.F32, 2)));
    }
}
