package striate.reference;

import striate.backend.HostBackend;
import striate.op.AdamUpdateOp;
import striate.op.AffineOp;
import striate.op.BinaryOp;
import striate.op.CastOp;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.CopyOp;
import striate.op.CrossEntropyBackwardOp;
import striate.op.CrossEntropyOp;
import striate.op.KMaxPoolBackwardOp;
import striate.op.KMaxPoolOp;
import striate.op.KernelTable;
import striate.op.LogSoftmaxOp;
import striate.op.MatMulOp;
import striate.op.PadOp;
import striate.op.Pool2dBackwardOp;
import striate.op.Pool2dOp;
import striate.op.PowerOp;
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
    /** The kernel table, shared by every reference backend instance and usable by other host backends. */
    public static final KernelTable KERNELS = KernelTable.builder("reference")
            .put(UnaryOp.class, ReferenceElementwise::unary)
            .put(AffineOp.class, ReferenceElementwise::affine)
            .put(PowerOp.class, ReferenceElementwise::power)
            .put(BinaryOp.class, ReferenceElementwise::binary)
            .put(WhereOp.class, ReferenceElementwise::where)
            .put(CopyOp.class, ReferenceElementwise::copy)
            .put(CastOp.class, ReferenceElementwise::cast)
            .put(PadOp.class, ReferenceElementwise::pad)
            .put(RandomUniformOp.class, ReferenceElementwise::randomUniform)
            .put(ReduceOp.class, ReferenceReduce::reduce)
            .put(SoftmaxOp.class, ReferenceReduce::softmax)
            .put(LogSoftmaxOp.class, ReferenceReduce::logSoftmax)
            .put(CrossEntropyOp.class, ReferenceReduce::crossEntropy)
            .put(CrossEntropyBackwardOp.class, ReferenceReduce::crossEntropyBackward)
            .put(KMaxPoolOp.class, ReferenceReduce::kMaxPool)
            .put(KMaxPoolBackwardOp.class, ReferenceReduce::kMaxPoolBackward)
            .put(MatMulOp.class, ReferenceLinear::matmul)
            .put(Conv2dOp.class, ReferenceLinear::conv2d)
            .put(Conv2dBackwardDataOp.class, ReferenceLinear::conv2dBackwardData)
            .put(Conv2dBackwardFilterOp.class, ReferenceLinear::conv2dBackwardFilter)
            .put(Pool2dOp.class, ReferencePool2d::pool2d)
            .put(Pool2dBackwardOp.class, ReferencePool2d::pool2dBackward)
            .put(SgdUpdateOp.class, ReferenceUpdates::sgd)
            .put(AdamUpdateOp.class, ReferenceUpdates::adam)
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
