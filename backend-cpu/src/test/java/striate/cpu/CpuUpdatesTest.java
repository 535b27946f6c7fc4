package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.op.AdamUpdateOp;
import striate.op.Op;
import striate.op.SgdUpdateOp;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;
import striate.testing.Fixtures;

/**
 * The optimizer updates give the same bits whether their tensors live off-heap (the vector loop) or in heap arrays
 * (small tensors: the plain loop), so a layer's bias is updated like its weights; both stay on the CPU's kernel.
 */
class CpuUpdatesTest {
    private static final Device CPU = Device.cpu();
    private static final int N = 203; // 812 bytes: heap memory when made from values; vectors and a tail off-heap

    /** Values of seed s in heap memory (a tensor of at most 1 KB made from values), or copied off-heap. */
    private static Tensor values(long seed, boolean offHeap) {
        Tensor heap = Tensor.of(CPU, Fixtures.uniform(CPU, seed, -1, 1, N).toFloatArray());
        if (!offHeap) {
            assertFalse(((HostStorage) heap.storage()).segment().isNative());
            return heap;
        }
        Tensor off = Tensor.zeros(CPU, DType.F32, N);
        off.copyFrom(heap.toDoubleArray());
        assertTrue(((HostStorage) off.storage()).segment().isNative());
        return off;
    }

    /**
     * Three steps of {@code op} on tensors of one kind, then {@code extra} (Adam's step count); returns the first
     * {@code tensors} values after them and the paths.
     */
    private static float[][] steps(Op op, int tensors, boolean offHeap, List<String> paths, Tensor... extra) {
        Tensor[] t = new Tensor[tensors + extra.length];
        for (int i = 0; i < tensors; i++) {
            t[i] = values(10 + i, offHeap);
        }
        System.arraycopy(extra, 0, t, tensors, extra.length);
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            for (int s = 0; s < 3; s++) {
                Tensor.apply(op, t);
            }
            r.events().forEach(e -> paths.add(e.kernel() + " " + e.path()));
        }
        float[][] out = new float[tensors][];
        for (int i = 0; i < tensors; i++) {
            out[i] = t[i].toFloatArray();
        }
        return out;
    }

    private static void sameBitsOnHeapAndOffHeap(Op op, int tensors, Tensor... extra) {
        List<String> heapPaths = new java.util.ArrayList<>();
        List<String> offPaths = new java.util.ArrayList<>();
        float[][] heap = steps(op, tensors, false, heapPaths, extra);
        float[][] off = steps(op, tensors, true, offPaths, extra);
        for (int i = 0; i < tensors; i++) {
            assertArrayEquals(off[i], heap[i], op + ": tensor " + i);
        }
        assertEquals(List.of("CpuUpdates plain", "CpuUpdates plain", "CpuUpdates plain"), heapPaths);
        String vector = Sgemm.VECTOR_API ? "CpuUpdates vector" : "CpuUpdates plain";
        assertEquals(List.of(vector, vector, vector), offPaths);
    }

    @Test
    void sgdGivesTheSameBitsOnHeapAndOffHeap() {
        sameBitsOnHeapAndOffHeap(new SgdUpdateOp(0.05, 0.9, 0.1, false, 1e-3), 3);
        sameBitsOnHeapAndOffHeap(new SgdUpdateOp(0.05, 0.9, 0, true, 0), 3);
        sameBitsOnHeapAndOffHeap(new SgdUpdateOp(0.1, 0, 0, false, 0), 3);
    }

    @Test
    void adamGivesTheSameBitsOnHeapAndOffHeap() {
        sameBitsOnHeapAndOffHeap(new AdamUpdateOp(1e-3, 0.9, 0.999, 1e-8, 0, false), 4, count(7));
        sameBitsOnHeapAndOffHeap(new AdamUpdateOp(1e-2, 0.8, 0.99, 1e-6, 0.01, true), 4, count(2));
        sameBitsOnHeapAndOffHeap(new AdamUpdateOp(1e-2, 0.8, 0.99, 1e-6, 0.01, false), 4, count(1));
    }

    /** Adam's step count, a float32 scalar. */
    private static Tensor count(long step) {
        return Tensor.scalar(CPU, DType.F32, step);
    }
}
