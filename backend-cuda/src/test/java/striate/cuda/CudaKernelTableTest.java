package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import striate.autograd.AutocastPolicy;
import striate.kernels.Ptx;
import striate.op.AdamUpdateOp;
import striate.op.CastOp;
import striate.op.CatOp;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.CopyOp;
import striate.op.KernelTable;
import striate.op.MatMulOp;
import striate.op.Op;
import striate.op.SgdUpdateOp;
import striate.tensor.DType;
import striate.testing.OpConformance;
import striate.testing.OpHierarchy;

/**
 * Coverage without a GPU: every non-view op has a CUDA kernel of the GPU's own (none borrowed from the reference),
 * every op autocast can send to cuda in bfloat16 or float16 is served in them, and every PTX symbol the backend names
 * exists.
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
    void everyOpAutocastCanRunInALowTypeIsServedInIt() {
        Set<String> unserved = new TreeSet<>();
        Set<String> float32Only = new TreeSet<>();
        for (OpConformance.Case c : OpConformance.cases()) {
            Op op = c.op();
            Object kernel = CudaBackend.KERNELS.entryFor(op.getClass()).kernel();
            boolean movesTwoByteElements = op instanceof CastOp || op instanceof CopyOp || op instanceof CatOp;
            if (kernel instanceof CudaWidened<?> || movesTwoByteElements) {
                continue;
            }
            if (AutocastPolicy.rule(op) == AutocastPolicy.Rule.NONE) {
                float32Only.add(op.getClass().getSimpleName());
            } else {
                unserved.add(op.getClass().getSimpleName());
            }
        }
        assertEquals(Set.of(), unserved, "ops autocast may run in bfloat16/float16 that no cuda kernel serves in them");
        // autocast leaves the optimizer updates alone: they update float32 master weights with float32 gradients
        assertEquals(Set.of(SgdUpdateOp.class.getSimpleName(), AdamUpdateOp.class.getSimpleName()), float32Only);
    }

    @Test
    void theProductsAndTwoByteMovesHaveTheirOwnKernels() {
        for (Class<? extends Op> op : List.of(MatMulOp.class, Conv2dOp.class, Conv2dBackwardDataOp.class,
                Conv2dBackwardFilterOp.class)) {
            assertTrue(CudaBackend.KERNELS.entryFor(op).kernel() instanceof CudaWidened<?>, op.getSimpleName());
        }
        assertEquals("copy_forward_f16", Symbols.copy(DType.BF16));
        assertEquals("copy_forward_f16", Symbols.copy(DType.F16));
        assertEquals("cat_forward_f16", Symbols.cat(DType.BF16));
        assertEquals("copy_forward_f32", Symbols.copy(DType.I32));
        assertEquals("cast_forward_f32_bf16", Symbols.cast(DType.F32, DType.BF16));
        assertEquals("cast_forward_f16_f64", Symbols.cast(DType.F16, DType.F64));
        assertEquals("conv2d_relu_forward_bf16", Symbols.convRelu(DType.BF16));
        assertEquals("conv2d_relu_forward_f16", Symbols.convRelu(DType.F16));
        for (DType from : Symbols.TYPES) {
            for (DType to : Symbols.TYPES) {
                assertTrue(from == to || Ptx.symbols().containsKey(Symbols.cast(from, to)), from + " → " + to);
            }
        }
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
