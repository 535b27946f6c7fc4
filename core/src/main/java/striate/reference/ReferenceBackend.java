package striate.reference;

import striate.backend.HostBackend;
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
import striate.tensor.Device;

/**
 * The executable specification: every op as plain loops over double arrays, no threads, never optimized.
 * Other backends are tested against it (OpConformance) and its backward rules against finite differences.
 */
public final class ReferenceBackend extends HostBackend {
    /** The kernel table, shared by every reference backend instance; other backends borrow from it by name. */
    public static final KernelTable KERNELS = KernelTable.builder("reference")
            .put(UnaryOp.class, "ReferenceElementwise", ReferenceElementwise::unary)
            .put(AffineOp.class, "ReferenceElementwise", ReferenceElementwise::affine)
            .put(PowerOp.class, "ReferenceElementwise", ReferenceElementwise::power)
            .put(BinaryOp.class, "ReferenceElementwise", ReferenceElementwise::binary)
            .put(WhereOp.class, "ReferenceElementwise", ReferenceElementwise::where)
            .put(LeakyReluOp.class, "ReferenceElementwise", ReferenceElementwise::leakyRelu)
            .put(LeakyReluBackwardOp.class, "ReferenceElementwise", ReferenceElementwise::leakyReluBackward)
            .put(CopyOp.class, "ReferenceCopy", ReferenceCopy::copy)
            .put(CastOp.class, "ReferenceCopy", ReferenceCopy::cast)
            .put(PadOp.class, "ReferenceCopy", ReferenceCopy::pad)
            .put(CatOp.class, "ReferenceCopy", ReferenceCopy::cat)
            .put(RandomUniformOp.class, "ReferenceRandom", ReferenceRandom::draw)
            .put(RandomNormalOp.class, "ReferenceRandom", ReferenceRandom::draw)
            .put(ReduceOp.class, "ReferenceReduce", ReferenceReduce::reduce)
            .put(SoftmaxOp.class, "ReferenceSoftmax", ReferenceSoftmax::softmax)
            .put(LogSoftmaxOp.class, "ReferenceSoftmax", ReferenceSoftmax::logSoftmax)
            .put(CrossEntropyOp.class, "ReferenceCrossEntropy", ReferenceCrossEntropy::forward)
            .put(CrossEntropyBackwardOp.class, "ReferenceCrossEntropy", ReferenceCrossEntropy::backward)
            .put(KMaxPoolOp.class, "ReferenceKMaxPool", ReferenceKMaxPool::forward)
            .put(KMaxPoolBackwardOp.class, "ReferenceKMaxPool", ReferenceKMaxPool::backward)
            .put(EmbeddingOp.class, "ReferenceEmbedding", ReferenceEmbedding::forward)
            .put(EmbeddingBackwardOp.class, "ReferenceEmbedding", ReferenceEmbedding::backward)
            .put(LstmCellOp.class, "ReferenceRecurrent", ReferenceRecurrent::lstmCell)
            .put(LstmCellBackwardOp.class, "ReferenceRecurrent", ReferenceRecurrent::lstmCellBackward)
            .put(GruCellOp.class, "ReferenceRecurrent", ReferenceRecurrent::gruCell)
            .put(GruCellBackwardOp.class, "ReferenceRecurrent", ReferenceRecurrent::gruCellBackward)
            .put(LstmLayerOp.class, "ReferenceRecurrentLayer", ReferenceRecurrentLayer::lstmLayer)
            .put(LstmLayerBackwardOp.class, "ReferenceRecurrentLayer", ReferenceRecurrentLayer::lstmLayerBackward)
            .put(GruLayerOp.class, "ReferenceRecurrentLayer", ReferenceRecurrentLayer::gruLayer)
            .put(GruLayerBackwardOp.class, "ReferenceRecurrentLayer", ReferenceRecurrentLayer::gruLayerBackward)
            .put(BatchNormOp.class, "ReferenceBatchNorm", ReferenceBatchNorm::forward)
            .put(BatchNormBackwardOp.class, "ReferenceBatchNorm", ReferenceBatchNorm::backward)
            .put(MatMulOp.class, "ReferenceMatMul", ReferenceMatMul::matmul)
            .put(Conv2dOp.class, "ReferenceConv2d", ReferenceConv2d::forward)
            .put(Conv2dBackwardDataOp.class, "ReferenceConv2d", ReferenceConv2d::backwardData)
            .put(Conv2dBackwardFilterOp.class, "ReferenceConv2d", ReferenceConv2d::backwardFilter)
            .put(Pool2dOp.class, "ReferencePool2d", ReferencePool2d::forward)
            .put(Pool2dBackwardOp.class, "ReferencePool2d", ReferencePool2d::backward)
            .put(SgdUpdateOp.class, "ReferenceUpdates", ReferenceUpdates::sgd)
            .put(AdamUpdateOp.class, "ReferenceUpdates", ReferenceUpdates::adam)
            .build();

    private final Device device;

    public ReferenceBackend(Device device) {
        this.device = device;
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public KernelTable kernels() {
        return KERNELS;
    }
}
