package striate.cpu;

import striate.op.AdamUpdateOp;
import striate.op.AffineOp;
import striate.op.BatchNormBackwardOp;
import striate.op.BatchNormOp;
import striate.op.BinaryOp;
import striate.op.CastOp;
import striate.op.CatOp;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.CopyOp;
import striate.op.CrossEntropyBackwardOp;
import striate.op.CrossEntropyOp;
import striate.op.EmbeddingBackwardOp;
import striate.op.EmbeddingOp;
import striate.op.GruCellBackwardOp;
import striate.op.GruCellOp;
import striate.op.GruLayerBackwardOp;
import striate.op.GruLayerOp;
import striate.op.KMaxPoolBackwardOp;
import striate.op.KMaxPoolOp;
import striate.op.KernelTable;
import striate.op.LeakyReluBackwardOp;
import striate.op.LeakyReluOp;
import striate.op.LogSoftmaxOp;
import striate.op.LstmCellBackwardOp;
import striate.op.LstmCellOp;
import striate.op.LstmLayerBackwardOp;
import striate.op.LstmLayerOp;
import striate.op.MatMulOp;
import striate.op.Op;
import striate.op.PadOp;
import striate.op.Pool2dBackwardOp;
import striate.op.Pool2dOp;
import striate.op.PowerOp;
import striate.op.RandomNormalOp;
import striate.op.RandomUniformOp;
import striate.op.ReduceOp;
import striate.op.SgdUpdateOp;
import striate.op.SoftmaxOp;
import striate.op.UnaryOp;
import striate.op.WhereOp;
import striate.reference.ReferenceBackend;
import striate.tensor.DType;
import striate.tensor.Tensor;

/**
 * The CPU backend's kernel table: which kernel serves each op, in one place. The compute kernels are float32; the
 * matmul, convolution, pooling, reduction and elementwise kernels also serve bfloat16 and float16 by computing in
 * float32 ({@link CpuWidened}: the numerics of mixed precision, not its speed). The float64 and int32 inputs they
 * leave to the reference kernel (and, for the other ops, bfloat16 and float16 ones) are declared with each of them,
 * and the ops the backend serves with a reference kernel on purpose are declared at the end, each with its reason.
 * Anything else is a missing kernel, never a silent fallback.
 */
final class CpuKernels {
    /** Why the float32 kernels leave other types to the reference. */
    private static final String OTHER_TYPES = "float64 and int32 inputs (gradient checks in float64, the perceptron"
            + " classics, integer tensors), mixed types, and bfloat16/float16 where no float32 kernel is widened for"
            + " them: the CPU's compute kernels are float32";
    /** Why the updates leave some tensors to the reference. */
    private static final String OTHER_UPDATES = "float64 or strided parameters, gradients or optimizer state: the CPU's"
            + " updates are float32 and walk the tensors' memory in order";

    private CpuKernels() {
    }

    static KernelTable table(IntraOpPool pool, Sgemm sgemm) {
        CpuMatMul matmul = new CpuMatMul(pool, sgemm);
        CpuConv2d conv = new CpuConv2d(pool, sgemm, matmul);
        CpuPool2d pooling = new CpuPool2d(pool);
        CpuElementwise elementwise = new CpuElementwise(pool);
        CpuSoftmax softmax = new CpuSoftmax(pool);
        CpuUpdates updates = new CpuUpdates(pool);
        CpuEmbedding embedding = new CpuEmbedding(pool);
        CpuRecurrent recurrent = new CpuRecurrent(pool);
        CpuRecurrentLayer layers = new CpuRecurrentLayer(pool, matmul);
        CpuKMaxPool kMax = new CpuKMaxPool(pool);
        CpuBatchNorm batchNorm = new CpuBatchNorm(pool);
        return KernelTable.builder("cpu", ReferenceBackend.KERNELS)
                .put(MatMulOp.class, "CpuMatMul", new CpuWidened<>(matmul), CpuKernels::float32OrLow, OTHER_TYPES)
                .put(Conv2dOp.class, "CpuConv2d", new CpuWidened<>(conv.forward()),
                        CpuKernels::float32OrLow, OTHER_TYPES)
                .put(Conv2dBackwardDataOp.class, "CpuConv2d", new CpuWidened<>(conv.backwardData()),
                        CpuKernels::float32OrLow, OTHER_TYPES)
                .put(Conv2dBackwardFilterOp.class, "CpuConv2d", new CpuWidened<>(conv.backwardFilter()),
                        CpuKernels::float32OrLow, OTHER_TYPES)
                .put(Pool2dOp.class, "CpuPool2d", new CpuWidened<>(pooling.forward()),
                        CpuKernels::float32OrLow, OTHER_TYPES)
                .put(Pool2dBackwardOp.class, "CpuPool2d", new CpuWidened<>(pooling.backward()),
                        CpuKernels::float32OrLow, OTHER_TYPES)
                .put(UnaryOp.class, "CpuElementwise", new CpuWidened<>(elementwise.unary()),
                        CpuKernels::float32OrLow, OTHER_TYPES)
                .put(AffineOp.class, "CpuElementwise", new CpuWidened<>(elementwise.affine()),
                        CpuKernels::float32OrLow, OTHER_TYPES)
                .put(PowerOp.class, "CpuElementwise", elementwise.power(), CpuKernels::float32, OTHER_TYPES)
                .put(BinaryOp.class, "CpuElementwise", new CpuWidened<>(elementwise.binary()),
                        CpuKernels::float32OrLow, OTHER_TYPES)
                .put(WhereOp.class, "CpuElementwise", elementwise.where(), CpuKernels::float32, OTHER_TYPES)
                .put(LeakyReluOp.class, "CpuElementwise", elementwise.leakyRelu(), CpuKernels::float32, OTHER_TYPES)
                .put(LeakyReluBackwardOp.class, "CpuElementwise", elementwise.leakyReluBackward(), CpuKernels::float32,
                        OTHER_TYPES)
                .put(ReduceOp.class, "CpuReduce", new CpuWidened<>(new CpuReduce(pool)), CpuKernels::float32OrLow,
                        OTHER_TYPES)
                .put(SoftmaxOp.class, "CpuSoftmax", softmax.softmax(), CpuKernels::float32, OTHER_TYPES)
                .put(LogSoftmaxOp.class, "CpuSoftmax", softmax.logSoftmax(), CpuKernels::float32, OTHER_TYPES)
                .put(CrossEntropyOp.class, "CpuSoftmax", softmax.crossEntropy(), CpuKernels::float32Logits,
                        OTHER_TYPES)
                .put(CrossEntropyBackwardOp.class, "CpuSoftmax", softmax.crossEntropyBackward(),
                        CpuKernels::float32Logits, OTHER_TYPES)
                .put(EmbeddingOp.class, "CpuEmbedding", embedding.forward(), CpuKernels::float32Values, OTHER_TYPES)
                .put(EmbeddingBackwardOp.class, "CpuEmbedding", embedding.backward(), CpuKernels::float32Values,
                        OTHER_TYPES)
                .put(LstmCellOp.class, "CpuRecurrent", recurrent.lstmCell(), CpuKernels::float32, OTHER_TYPES)
                .put(LstmCellBackwardOp.class, "CpuRecurrent", recurrent.lstmCellBackward(), CpuKernels::float32,
                        OTHER_TYPES)
                .put(GruCellOp.class, "CpuRecurrent", recurrent.gruCell(), CpuKernels::float32, OTHER_TYPES)
                .put(GruCellBackwardOp.class, "CpuRecurrent", recurrent.gruCellBackward(), CpuKernels::float32,
                        OTHER_TYPES)
                .put(LstmLayerOp.class, "CpuRecurrentLayer", layers.lstm(), CpuKernels::float32, OTHER_TYPES)
                .put(LstmLayerBackwardOp.class, "CpuRecurrentLayer", layers.lstmBackward(), CpuKernels::float32,
                        OTHER_TYPES)
                .put(GruLayerOp.class, "CpuRecurrentLayer", layers.gru(), CpuKernels::float32, OTHER_TYPES)
                .put(GruLayerBackwardOp.class, "CpuRecurrentLayer", layers.gruBackward(), CpuKernels::float32,
                        OTHER_TYPES)
                .put(BatchNormOp.class, "CpuBatchNorm", batchNorm.forward(), CpuKernels::float32, OTHER_TYPES)
                .put(BatchNormBackwardOp.class, "CpuBatchNorm", batchNorm.backward(), CpuKernels::float32,
                        OTHER_TYPES)
                .put(SgdUpdateOp.class, "CpuUpdates", updates.sgd(), CpuKernels::denseFloat32, OTHER_UPDATES)
                .put(AdamUpdateOp.class, "CpuUpdates", updates.adam(), CpuKernels::denseFloat32, OTHER_UPDATES)
                .put(KMaxPoolOp.class, "CpuKMaxPool", kMax.forward(), CpuKernels::float32, OTHER_TYPES)
                .put(KMaxPoolBackwardOp.class, "CpuKMaxPool", kMax.backward(), CpuKernels::float32, OTHER_TYPES)
                .put(CopyOp.class, "CpuCopy", CpuCopy.copy())
                .put(CastOp.class, "CpuCopy", CpuCopy.cast())
                .put(PadOp.class, "CpuCopy", CpuCopy.pad())
                .put(CatOp.class, "CpuCopy", CpuCopy.cat())
                .put(RandomUniformOp.class, "CpuRandom", CpuRandom.<RandomUniformOp>draw(pool))
                .put(RandomNormalOp.class, "CpuRandom", CpuRandom.<RandomNormalOp>draw(pool))
                .build();
    }

    /**
     * Every input is float32, or every input is one low-precision type (bfloat16 or float16), which
     * {@link CpuWidened} computes in float32.
     */
    private static boolean float32OrLow(Op op, Tensor[] in) {
        DType first = in[0].dtype();
        for (Tensor t : in) {
            if (t.dtype() != first) {
                return false;
            }
        }
        return first == DType.F32 || first.isLowPrecision();
    }

    /** Every input is float32. */
    private static boolean float32(Op op, Tensor[] in) {
        for (Tensor t : in) {
            if (t.dtype() != DType.F32) {
                return false;
            }
        }
        return true;
    }

    /** The logits (in[0]) and, for the backward op, dy (in[2]) are float32; targets are class indices of any type. */
    private static boolean float32Logits(Op op, Tensor[] in) {
        return in[0].dtype() == DType.F32 && (in.length < 3 || in[2].dtype() == DType.F32);
    }

    /** The float values (in[0]: the weight, or dy) are float32; the ids are int32 by the op's own check. */
    private static boolean float32Values(Op op, Tensor[] in) {
        return in[0].dtype() == DType.F32;
    }

    /** Every tensor of an in-place update is float32 and contiguous. */
    private static boolean denseFloat32(Op op, Tensor[] in) {
        for (Tensor t : in) {
            if (t.dtype() != DType.F32 || !t.isContiguous()) {
                return false;
            }
        }
        return true;
    }
}
