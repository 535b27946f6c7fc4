package striate.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import striate.op.AdamUpdateOp;
import striate.op.Conv2dOp;
import striate.op.ExpandOp;
import striate.op.KernelTable;
import striate.op.MissingKernelException;
import striate.op.ReshapeOp;
import striate.op.SgdUpdateOp;
import striate.op.UnaryFn;
import striate.op.UnaryOp;
import striate.testing.OpHierarchy;

/** Every non-view op of the sealed hierarchy has a reference kernel; a missing one is an error naming both. */
class KernelCoverageTest {
    @Test
    void everyNonViewOpHasAReferenceKernel() {
        assertEquals(List.of(), OpHierarchy.missingKernels(ReferenceBackend.KERNELS),
                "ops without a kernel in ReferenceBackend.KERNELS");
    }

    @Test
    void hierarchyWalkFindsViewsUpdatesAndPlainOps() {
        assertTrue(OpHierarchy.all().containsAll(List.of(ReshapeOp.class, ExpandOp.class, SgdUpdateOp.class,
                AdamUpdateOp.class, Conv2dOp.class)));
        assertTrue(OpHierarchy.withKernels().containsAll(List.of(SgdUpdateOp.class, AdamUpdateOp.class, Conv2dOp.class)));
        assertTrue(!OpHierarchy.withKernels().contains(ReshapeOp.class), "views need no kernel");
    }

    @Test
    void anEmptyTableMissesEveryOp() {
        KernelTable empty = KernelTable.builder("empty").build();
        assertEquals(OpHierarchy.withKernels().size(), OpHierarchy.missingKernels(empty).size());
        MissingKernelException e = assertThrows(MissingKernelException.class,
                () -> empty.get(new UnaryOp(UnaryFn.RELU)));
        assertTrue(e.getMessage().contains("UnaryOp(RELU)") && e.getMessage().contains("'empty'"), e.getMessage());
    }
}
