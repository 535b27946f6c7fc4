package striate.cpu;

import org.slf4j.LoggerFactory;
import striate.backend.HostBackend;
import striate.op.AdamUpdateOp;
import striate.op.AffineOp;
import striate.op.BinaryOp;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.CrossEntropyBackwardOp;
import striate.op.CrossEntropyOp;
import striate.op.MatMulOp;
import striate.op.Pool2dBackwardOp;
import striate.op.Pool2dOp;
import striate.op.PowerOp;
import striate.op.ReduceOp;
import striate.op.SgdUpdateOp;
import striate.op.SoftmaxOp;
import striate.op.UnaryOp;
import striate.op.KernelTable;
import striate.op.LogSoftmaxOp;
import striate.reference.ReferenceBackend;
import striate.tensor.Device;

/**
 * The CPU backend: tensors in off-heap host memory, computed on this machine's cores. Float32 GEMM, convolution,
 * pooling, elementwise and optimizer-update kernels are Vector API / multithreaded Java ({@code Cpu<Name>}) on one intra-op pool
 * per backend (sized by {@code -Dstriate.cpu.threads}, default all cores); every other op, and every op on
 * float64 or int32, runs the reference kernel registered under the name "cpu". The conformance suite checks
 * every kernel here against the reference backend. GEMMs from a size up run in OpenBLAS, loaded when the backend
 * is created ({@code -Dstriate.cpu.native=false} turns that off; see {@link Sgemm}).
 */
public final class CpuBackend extends HostBackend {
    private final Device device;
    private final IntraOpPool pool;
    private final Sgemm sgemm;
    private final KernelTable kernels;

    public CpuBackend(Device device) {
        if (device.kind() != Device.Kind.CPU) {
            throw new IllegalArgumentException("CpuBackend serves cpu devices, not " + device);
        }
        this.device = device;
        this.pool = IntraOpPool.fromSystemProperties();
        this.sgemm = Sgemm.fromSystemProperties(LoggerFactory.getLogger(CpuBackend.class)::warn);
        CpuMatMul matmul = new CpuMatMul(pool, sgemm);
        CpuConv2d conv = new CpuConv2d(pool, sgemm, matmul);
        CpuPool2d pooling = new CpuPool2d(pool);
        CpuElementwise elementwise = new CpuElementwise(pool);
        CpuSoftmax softmax = new CpuSoftmax(pool);
        KernelTable.Builder table = KernelTable.builder("cpu")
                .put(MatMulOp.class, matmul)
                .put(Conv2dOp.class, conv.forward())
                .put(Conv2dBackwardDataOp.class, conv.backwardData())
                .put(Conv2dBackwardFilterOp.class, conv.backwardFilter())
                .put(Pool2dOp.class, pooling.forward())
                .put(Pool2dBackwardOp.class, pooling.backward())
                .put(UnaryOp.class, elementwise.unary())
                .put(AffineOp.class, elementwise.affine())
                .put(BinaryOp.class, elementwise.binary())
                .put(PowerOp.class, elementwise.power())
                .put(ReduceOp.class, new CpuReduce(pool))
                .put(SoftmaxOp.class, softmax.softmax())
                .put(LogSoftmaxOp.class, softmax.logSoftmax())
                .put(CrossEntropyOp.class, softmax.crossEntropy())
                .put(CrossEntropyBackwardOp.class, softmax.crossEntropyBackward());
        if (Sgemm.VECTOR_API) {
            CpuUpdates updates = new CpuUpdates(pool);
            table.put(SgdUpdateOp.class, updates.sgd()).put(AdamUpdateOp.class, updates.adam());
        }
        this.kernels = table.putAllAbsent(ReferenceBackend.KERNELS).build();
    }

    /** Number of intra-op threads. */
    public int threads() {
        return pool.threads();
    }

    /** The GEMM in use, e.g. "OpenBLAS 0.3.30 (Zen, ...) ..., Java Vector API below; 2 threads". */
    public String gemm() {
        return sgemm.description() + "; " + pool.threads() + (pool.threads() == 1 ? " thread" : " threads");
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public KernelTable kernels() {
        return kernels;
    }
}
