package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.kernels.Ptx;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.KernelTable;
import striate.op.MatMulOp;
import striate.op.Op;
import striate.testing.OpHierarchy;

/**
 * Coverage without a GPU: every non-view op has a CUDA kernel of the GPU's own (none borrowed from the reference),
 * and every PTX symbol the backend names exists.
 */
class CudaKernelTableTest {
    @Test
    void everyNonViewOpHasACudaKernel() {
        assertEquals(List.of(), OpHierarchy.missingKernels(CudaBackend.KERNELS), "ops without a cuda kernel");
    }

    @Test
    void everyOpRunsAKernelOfTheGpuNoneOfTheReference() {
        assertEquals(Map.of(), CudaBackend.KERNELS.referenceUses(), "declared reference uses");
        for (Class<? extends Op> op : OpHierarchy.withKernels()) {
            KernelTable.Entry e = CudaBackend.KERNELS.entryFor(op);
            assertEquals("cuda", e.backend(), op.getSimpleName());
            assertTrue(e.name().matches("(Cuda|Cudnn|Cublas)\\w+"), op.getSimpleName() + " → " + e.name());
        }
        assertEquals("CudnnConv2d", CudaBackend.KERNELS.entryFor(Conv2dBackwardFilterOp.class).name());
        assertEquals("CublasGemm", CudaBackend.KERNELS.entryFor(MatMulOp.class).name());
    }

    @Test
    void everySymbolTheBackendLaunchesIsInThePtx() {
        Map<String, String> ptx = Ptx.symbols();
        List<String> missing = Symbols.all().stream().filter(s -> !ptx.containsKey(s)).toList();
        assertEquals(List.of(), missing, "kernels the backend launches but no PTX module defines");
        assertTrue(Symbols.all().contains("relu_forward_f32") && Symbols.all().contains("cast_forward_i32_f32"));
    }

    @Test
    void everyPtxKernelIsUsed() {
        List<String> unused = Ptx.symbols().keySet().stream().filter(s -> !Symbols.all().contains(s)).toList();
        assertEquals(List.of(), unused, "PTX kernels no Java code launches");
    }
}
