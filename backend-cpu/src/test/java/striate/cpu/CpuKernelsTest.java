package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import striate.backend.Backends;
import striate.backend.KernelTrace;
import striate.op.KMaxPoolOp;
import striate.op.KernelTable;
import striate.op.Op;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.OpHierarchy;

/**
 * The CPU's kernel table: every op covered, the reference used only where the table declares it, and a declared
 * use shows in the kernel trace.
 */
class CpuKernelsTest {
    private static final KernelTable TABLE = Backends.of(Device.cpu()).kernels();

    @Test
    void everyNonViewOpHasACpuKernelOrADeclaredReferenceUse() {
        assertEquals(List.of(), OpHierarchy.missingKernels(TABLE), "ops without a cpu kernel");
    }

    @Test
    void theReferenceServesOnlyWhatTheTableDeclares() {
        assertEquals(Set.of(), Set.copyOf(OpHierarchy.withKernels().stream()
                .filter(op -> TABLE.entryFor(op).backend().equals("reference")).map(Class::getSimpleName).toList()),
                "ops served by a reference kernel throughout");
        for (Class<? extends Op> op : OpHierarchy.withKernels()) {
            KernelTable.Entry e = TABLE.entryFor(op);
            assertTrue(e.backend().equals("cpu") ? e.name().startsWith("Cpu") && e.reason() == null
                    : e.name().startsWith("Reference") && !e.reason().isBlank(), op.getSimpleName() + ": " + e);
        }
        assertTrue(TABLE.referenceUses().get("KMaxPoolOp").startsWith("float64 and int32 inputs"), TABLE
                .referenceUses().toString());
        assertTrue(TABLE.referenceUses().get("MatMulOp").startsWith("float64 and int32 inputs"));
        assertEquals(Set.of("CastOp", "CatOp", "CopyOp", "PadOp", "RandomNormalOp", "RandomUniformOp"),
                Set.copyOf(OpHierarchy.withKernels()
                .stream().map(Class::getSimpleName).filter(op -> !TABLE.referenceUses().containsKey(op)).toList()),
                "the ops the CPU serves for every input");
    }

    @Test
    void float64InputsRunTheDeclaredReferenceKernelAndTheTraceSaysSo() {
        Device cpu = Device.cpu();
        Tensor a32 = Fixtures.uniform(cpu, 1, -1, 1, 3, 4);
        Tensor a64 = a32.to(DType.F64);
        Tensor x = Fixtures.uniform(cpu, 2, -1, 1, 2, 7);
        Tensor x64 = x.to(DType.F64);
        List<KernelTrace.Event> events;
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            a32.matmul(a32, false, true);
            a64.matmul(a64, false, true);
            Tensor.apply(new KMaxPoolOp(1, 3), x);
            Tensor.apply(new KMaxPoolOp(1, 3), x64);
            events = r.events();
        }
        assertEquals(List.of("MatMulOp → CpuMatMul [blocks]", "MatMulOp → ReferenceMatMul (reference)",
                "KMaxPoolOp → CpuKMaxPool", "KMaxPoolOp → ReferenceKMaxPool (reference)"),
                events.stream().map(Object::toString).toList());
        assertTrue(events.get(3).borrowed() && !events.get(2).borrowed() && !events.get(0).borrowed());
    }

    @Test
    void maxOverTimeBackwardReadsTheKeptShapeInPlace() {
        Tensor x = Fixtures.grid(Device.cpu(), 3, 3, 3, 7, 33).requiresGrad(true); // ties: the gradient is shared
        Tensor y = x.max(2, true); // [3, 7, 1]
        List<String> binary;
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            y.sum().backward();
            binary = r.events().stream().map(Object::toString).filter(e -> e.startsWith("BinaryOp")).toList();
        }
        assertEquals(List.of("BinaryOp(EQUAL) → CpuElementwise [repeated]", "BinaryOp(DIV) → CpuElementwise [same shape]",
                "BinaryOp(MUL) → CpuElementwise [repeated]"), binary, "the max's backward: mask, share, spread");
        float[] dx = x.grad().toFloatArray();
        float[] v = x.toFloatArray();
        float[] m = y.toFloatArray();
        for (int row = 0; row < 21; row++) {
            int ties = 0;
            for (int t = 0; t < 33; t++) {
                ties += v[row * 33 + t] == m[row] ? 1 : 0;
            }
            for (int t = 0; t < 33; t++) {
                assertEquals(v[row * 33 + t] == m[row] ? 1f / ties : 0f, dx[row * 33 + t], 1e-7f, "row " + row + " t " + t);
            }
        }
    }
}
