package striate.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.reference.ReferenceBackend;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/** A table holds one named entry per op; declared reference uses are visible and reasoned, and nothing else is borrowed. */
class KernelTableTest {
    private static final Kernel<UnaryOp> MINE = (op, in, out) -> {
    };

    @Test
    void aGuardedKernelServesItsInputsAndDeclaresTheRest() {
        KernelTable t = KernelTable.builder("mine", ReferenceBackend.KERNELS)
                .put(UnaryOp.class, "MineUnary", MINE, (op, in) -> in[0].dtype() == DType.F32, "float64: rare here")
                .build();
        UnaryOp relu = new UnaryOp(UnaryFn.RELU);
        KernelTable.Entry f32 = t.entry(relu, new Tensor[] {Tensor.zeros(Device.reference(), DType.F32, 2)});
        KernelTable.Entry f64 = t.entry(relu, new Tensor[] {Tensor.zeros(Device.reference(), DType.F64, 2)});
        assertEquals("MineUnary", f32.name());
        assertEquals("mine", f32.backend());
        assertSame(MINE, f32.kernel());
        assertNull(f32.reason());
        assertEquals("ReferenceElementwise", f64.name());
        assertEquals("reference", f64.backend());
        assertEquals("float64: rare here", f64.reason());
        assertSame(MINE, t.entryFor(UnaryOp.class).kernel(), "the usual inputs' entry");
        assertEquals(Map.of("UnaryOp", "float64: rare here"), t.referenceUses());
    }

    @Test
    void aTableWithoutDeclarationsBorrowsNothing() {
        KernelTable t = KernelTable.builder("mine").put(UnaryOp.class, "MineUnary", MINE).build();
        assertEquals(Map.of(), t.referenceUses());
        assertNull(t.entryFor(BinaryOp.class));
        MissingKernelException e = assertThrows(MissingKernelException.class,
                () -> t.entry(new BinaryOp(BinaryFn.ADD), new Tensor[0]));
        assertTrue(e.getMessage().contains("BinaryOp(ADD)") && e.getMessage().contains("'mine'"), e.getMessage());
    }

    @Test
    void registrationMistakesAreErrors() {
        KernelTable.Builder noReference = KernelTable.builder("mine");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> noReference.reference(PadOp.class, "why"));
        assertTrue(e.getMessage().contains("PadOp"), e.getMessage());
        KernelTable.Builder b = KernelTable.builder("mine", ReferenceBackend.KERNELS);
        assertThrows(IllegalArgumentException.class, () -> b.reference(PadOp.class, " "), "a reason is required");
        b.put(UnaryOp.class, "MineUnary", MINE);
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> b.reference(UnaryOp.class, "x"));
        assertTrue(twice.getMessage().contains("two kernels for UnaryOp"), twice.getMessage());
    }
}
