package striate.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.op.AdamUpdateOp;
import striate.op.Conv2dOp;
import striate.op.ExpandOp;
import striate.op.KernelTable;
import striate.op.MissingKernelException;
import striate.op.Op;
import striate.op.PadOp;
import striate.op.ReshapeOp;
import striate.op.SgdUpdateOp;
import striate.op.UnaryFn;
import striate.op.UnaryOp;
import striate.tensor.Tensor;
import striate.testing.OpHierarchy;

/**
 * Every non-view op of the sealed hierarchy has a reference kernel; the coverage check reports an op that has neither
 * a kernel of the backend's own nor a declared reference use; a missing kernel is an error naming op and backend.
 */
class KernelCoverageTest {
    @Test
    void everyNonViewOpHasAReferenceKernel() {
        assertEquals(List.of(), OpHierarchy.missingKernels(ReferenceBackend.KERNELS),
                "ops without a kernel in ReferenceBackend.KERNELS");
    }

    @Test
    void theReferenceTableIsAllItsOwnAndNamesEachKernel() {
        KernelTable t = ReferenceBackend.KERNELS;
        assertEquals(Map.of(), t.referenceUses());
        for (Class<? extends Op> op : OpHierarchy.withKernels()) {
            KernelTable.Entry e = t.entryFor(op);
            assertEquals("reference", e.backend(), op.getSimpleName());
            assertTrue(e.name().startsWith("Reference"), op.getSimpleName() + " → " + e.name());
        }
        assertEquals("ReferenceConv2d", t.entryFor(Conv2dOp.class).name());
        assertEquals("ReferenceCopy", t.entryFor(PadOp.class).name());
    }

    @Test
    void hierarchyWalkFindsViewsUpdatesAndPlainOps() {
        assertTrue(OpHierarchy.all().containsAll(List.of(ReshapeOp.class, ExpandOp.class, SgdUpdateOp.class,
                AdamUpdateOp.class, Conv2dOp.class)));
        assertTrue(OpHierarchy.withKernels().containsAll(List.of(SgdUpdateOp.class, AdamUpdateOp.class, Conv2dOp.class)));
        assertFalse(OpHierarchy.withKernels().contains(ReshapeOp.class), "views need no kernel");
    }

    @Test
    void anEmptyTableMissesEveryOp() {
        KernelTable empty = KernelTable.builder("empty").build();
        assertEquals(OpHierarchy.withKernels().size(), OpHierarchy.missingKernels(empty).size());
        MissingKernelException e = assertThrows(MissingKernelException.class,
                () -> empty.entry(new UnaryOp(UnaryFn.RELU), new Tensor[0]));
        assertTrue(e.getMessage().contains("UnaryOp(RELU)") && e.getMessage().contains("'empty'"), e.getMessage());
    }

    @Test
    void anOpWithNeitherAKernelNorADeclaredReferenceUseIsReported() {
        KernelTable.Builder almost = KernelTable.builder("almost", ReferenceBackend.KERNELS);
        KernelTable.Builder declared = KernelTable.builder("declared", ReferenceBackend.KERNELS);
        for (Class<? extends Op> op : OpHierarchy.withKernels()) {
            if (op != PadOp.class) {
                putNothing(almost, op);
                putNothing(declared, op);
            }
        }
        assertEquals(List.of("PadOp"), OpHierarchy.missingKernels(almost.build()));
        KernelTable complete = declared.reference(PadOp.class, "no layer pads here").build();
        assertEquals(List.of(), OpHierarchy.missingKernels(complete));
        assertEquals(Map.of("PadOp", "no layer pads here"), complete.referenceUses());
        assertEquals("ReferenceCopy", complete.entryFor(PadOp.class).name());
        assertEquals("reference", complete.entryFor(PadOp.class).backend());
    }

    private static <O extends Op> void putNothing(KernelTable.Builder table, Class<O> op) {
        table.put(op, "Nothing", (o, in, out) -> {
        });
    }
}
