package striate.cuda;

import static striate.cuda.CudaWidened.nativeWhen;
import static striate.cuda.CudaWidened.widened;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.function.IntConsumer;
import jcuda.driver.CUdeviceptr;
import striate.backend.Backend;
import striate.backend.Traffic;
import striate.backend.TrafficCounter;
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
import striate.op.InPlaceOp;
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
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.MemoryStats;
import striate.tensor.Storage;
import striate.tensor.Tensor;

/**
 * The CUDA backend for {@code Device.cuda(i)}: tensors in device memory from a caching allocator; GEMM on cuBLAS
 * ({@link CublasGemm}), convolutions and softmax on cuDNN ({@link CudnnConv2d}, {@link CudnnSoftmax}), everything
 * else on the PTX kernels of {@code striate-kernels} (elementwise, reductions, losses, pooling, k-max pooling,
 * fused optimizer updates). Every op is computed on the GPU; there is no fallback to the host. Float32 throughout;
 * copies, casts and random numbers also take float64 and int32. bfloat16 and float16 tensors (mixed precision):
 * copies, casts and concatenations move them as they are; matmul and the convolutions compute in them on cuBLAS and
 * cuDNN (float32 accumulation) when every operand is one 2-byte type; every other
 * kernel serves them by widening
 * ({@link CudaWidened}: cast in, the float32 kernel, cast out), as the table below declares op by op. Data moves by
 * the copy primitive ({@link CudaCopy}:
 * device to device on the stream, peer copies between GPUs, host memory through pinned staging). One lock per
 * device orders calls from several threads (e.g. a data loader's prefetch thread) onto the device's one stream.
 */
public final class CudaBackend implements Backend {
    /** The kernels, every one the GPU's own; built without a GPU (each kernel finds its device through its tensors). */
    public static final KernelTable KERNELS = KernelTable.builder("cuda")
            .put(UnaryOp.class, "CudaElementwise", widened(CudaElementwise::unary))
            .put(AffineOp.class, "CudaElementwise", widened(CudaElementwise::affine))
            .put(PowerOp.class, "CudaElementwise", widened(CudaElementwise::power))
            .put(BinaryOp.class, "CudaElementwise", widened(CudaElementwise::binary))
            .put(WhereOp.class, "CudaElementwise", widened(CudaElementwise::where))
            .put(LeakyReluOp.class, "CudaElementwise", widened(CudaElementwise::leakyRelu))
            .put(LeakyReluBackwardOp.class, "CudaElementwise", widened(CudaElementwise::leakyReluBackward))
            .put(CopyOp.class, "CudaElementwise", CudaElementwise::copy)
            .put(CastOp.class, "CudaElementwise", CudaElementwise::cast)
            .put(PadOp.class, "CudaElementwise", widened(CudaElementwise::pad))
            .put(CatOp.class, "CudaElementwise", CudaElementwise::cat)
            .put(RandomUniformOp.class, "CudaElementwise", widened(CudaElementwise::randomUniform))
            .put(RandomNormalOp.class, "CudaElementwise", widened(CudaElementwise::randomNormal))
            .put(ReduceOp.class, "CudaReduce", widened(CudaReduce::reduce))
            .put(SoftmaxOp.class, "CudnnSoftmax", widened(CudnnSoftmax::softmax))
            .put(LogSoftmaxOp.class, "CudnnSoftmax", widened(CudnnSoftmax::logSoftmax))
            .put(CrossEntropyOp.class, "CudaLoss", widened(CudaLoss::crossEntropy))
            .put(CrossEntropyBackwardOp.class, "CudaLoss", widened(CudaLoss::crossEntropyBackward))
            .put(KMaxPoolOp.class, "CudaPool", widened(CudaPool::kMaxPool))
            .put(KMaxPoolBackwardOp.class, "CudaPool", widened(CudaPool::kMaxPoolBackward))
            .put(EmbeddingOp.class, "CudaEmbedding", widened(CudaEmbedding::forward))
            .put(EmbeddingBackwardOp.class, "CudaEmbedding", widened(CudaEmbedding::backward))
            .put(LstmCellOp.class, "CudaRecurrent", widened(CudaRecurrent::lstmCell))
            .put(LstmCellBackwardOp.class, "CudaRecurrent", widened(CudaRecurrent::lstmCellBackward))
            .put(GruCellOp.class, "CudaRecurrent", widened(CudaRecurrent::gruCell))
            .put(GruCellBackwardOp.class, "CudaRecurrent", widened(CudaRecurrent::gruCellBackward))
            .put(LstmLayerOp.class, "CudaRecurrentLayer", widened(CudaRecurrentLayer::lstm))
            .put(LstmLayerBackwardOp.class, "CudaRecurrentLayer", widened(CudaRecurrentLayer::lstmBackward))
            .put(GruLayerOp.class, "CudaRecurrentLayer", widened(CudaRecurrentLayer::gru))
            .put(GruLayerBackwardOp.class, "CudaRecurrentLayer", widened(CudaRecurrentLayer::gruBackward))
            .put(BatchNormOp.class, "CudaBatchNorm", widened(CudaBatchNorm::forward))
            .put(BatchNormBackwardOp.class, "CudaBatchNorm", widened(CudaBatchNorm::backward))
            .put(Pool2dOp.class, "CudaPool", widened(CudaPool::pool2d))
            .put(Pool2dBackwardOp.class, "CudaPool", widened(CudaPool::pool2dBackward))
            .put(MatMulOp.class, "CublasGemm", nativeWhen(CublasGemm::matmul, CudaBackend::lowPrecisionProduct))
            .put(Conv2dOp.class, "CudnnConv2d", nativeWhen((Conv2dOp op, Tensor[] in, Tensor out)
                    -> of(out).conv.forward(op, in, out), CudnnConv2d::nativeForward))
            .put(Conv2dBackwardDataOp.class, "CudnnConv2d", nativeWhen((Conv2dBackwardDataOp op, Tensor[] in,
                    Tensor out) -> of(out).conv.backwardData(op, in, out), CudaBackend::lowPrecisionProduct))
            .put(Conv2dBackwardFilterOp.class, "CudnnConv2d", nativeWhen((Conv2dBackwardFilterOp op, Tensor[] in,
                    Tensor out) -> of(out).conv.backwardFilter(op, in, out), CudaBackend::lowPrecisionProduct))
            .put(SgdUpdateOp.class, "CudaUpdates", CudaUpdates::sgd)
            .put(AdamUpdateOp.class, "CudaUpdates", CudaUpdates::adam)
            .build();

    private final Device device;
    private final CudaDevice gpu;
    private final CudnnConv2d conv;
    private final Cleaner cleaner = Cleaner.create();
    private final TrafficCounter traffic = new TrafficCounter();

    public CudaBackend(Device device, CudaOptions options) {
        if (device.kind() != Device.Kind.CUDA) {
            throw new IllegalArgumentException("CudaBackend serves cuda devices, not " + device);
        }
        this.device = device;
        this.gpu = new CudaDevice(device.index(), options);
        this.conv = new CudnnConv2d(gpu);
    }

    /**
     * Whether a matmul or convolution runs in its 2-byte type on cuBLAS/cuDNN: every operand of one such type, and
     * the backend not told to widen them ({@link CudaOptions#lowPrecisionProducts}).
     */
    static boolean lowPrecisionProduct(Op op, Tensor[] in, Tensor out) {
        return CudaWidened.oneLowType(op, in, out) && of(out).options().lowPrecisionProducts();
    }

    /** The backend of a tensor on a CUDA device. */
    static CudaBackend of(Tensor t) {
        return (CudaBackend) t.backend();
    }

    @Override
    public Device device() {
        return device;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public KernelTable kernels() {
        return KERNELS;
    }

    public CudaOptions options() {
        return gpu.options();
    }

    /** The allocator's counters: bytes in use, peak, cached. */
    public AllocatorStats memory() {
        return gpu.allocator().stats();
    }

    /** The allocator's counters in the core's form, for code that reads every backend alike. */
    @Override
    public MemoryStats memoryStats() {
        AllocatorStats m = memory();
        return new MemoryStats(m.inUse(), m.peak(), m.cached(), m.reuses(), m.deviceAllocations());
    }

    /** Gives every cached block back to the device (after the stream's work is done). */
    public void releaseCache() {
        synchronized (gpu) {
            gpu.activate();
            gpu.allocator().releaseCache();
        }
    }

    /**
     * Captures the work that {@code work} queues on this GPU into a {@link CudaGraph}, to replay; the work does not run
     * now (see {@link CudaGraph} for what a captured step may do).
     */
    @Override
    public CudaGraph captureGraph(Runnable work) {
        return CudaGraph.capture(this, work);
    }

    @Override
    public boolean capturing() {
        return gpu.capturing();
    }

    /** Waits until every queued kernel and copy has finished. */
    public void synchronize() {
        synchronized (gpu) {
            gpu.activate();
            gpu.synchronize();
        }
    }

    @Override
    public Tensor execute(Op op, Tensor... inputs) {
        synchronized (gpu) {
            gpu.activate();
            return Backend.super.execute(op, inputs);
        }
    }

    @Override
    public Storage allocate(DType dtype, long elements) {
        synchronized (gpu) {
            CudaStorage s = allocateOutput(dtype, elements);
            gpu.fill32(s.pointer(0), 0, s.blockBytes() / 4);
            gpu.noteWrite(s); // a replay zeroes it again
            return s;
        }
    }

    /** Runs the kernel on the stream; inside a graph capture, notes what it writes, which each replay writes again. */
    @Override
    public void launch(KernelTable.Entry entry, Op op, Tensor[] inputs, Tensor output) {
        Backend.super.launch(entry, op, inputs, output);
        if (gpu.capturing()) {
            if (output != null) {
                gpu.noteWrite(output.storage());
            }
            if (op instanceof InPlaceOp) {
                for (Tensor t : inputs) {
                    gpu.noteWrite(t.storage());
                }
            }
        }
    }

    @Override
    public CudaStorage allocateOutput(DType dtype, long elements) {
        synchronized (gpu) {
            gpu.activate();
            CudaStorage s = new CudaStorage(dtype, elements, gpu.allocator(), cleaner);
            MemoryScope.adopt(s); // freed when the thread's open MemoryScope closes, if any
            return s;
        }
    }

    /**
     * The copy primitive on CUDA memory ({@link CudaCopy}): within this GPU, from another GPU (peer copies), or
     * between this GPU and host memory (any host device's tensor); one side must be this backend's.
     */
    @Override
    public void copy(Tensor src, Tensor dst) {
        if (src.backend() != this && dst.backend() != this) {
            throw new IllegalArgumentException("the backend of " + device + " runs copies to or from its own tensors, "
                    + "not " + src.device() + " → " + dst.device());
        }
        CudaCopy.copy(traffic, src, dst);
        if (dst.backend() == this) {
            gpu.noteWrite(dst.storage()); // inside a graph capture: each replay writes it again
        }
    }

    @Override
    public Traffic traffic() {
        return traffic.read();
    }

    // ---- for the kernels ---------------------------------------------------------------------------------

    CudaDevice gpu() {
        return gpu;
    }

    /** The device address of {@code t}'s first element. */
    static CUdeviceptr pointer(Tensor t) {
        return ((CudaStorage) t.storage()).pointer(t.offset());
    }

    /** The device address of {@code t}'s storage (element 0), for kernels that read it through a {@link Layout}. */
    static CUdeviceptr base(Tensor t) {
        return ((CudaStorage) t.storage()).pointer(0);
    }

    /** {@code t} itself when contiguous, else a dense copy made on the device. */
    static Tensor contiguous(Tensor t) {
        return t.isContiguous() ? t : of(t).execute(new CopyOp(), t);
    }

    /** A device int32 buffer of one element set to {@code value}, e.g. an error flag for a kernel. */
    CudaStorage flag(int value) {
        CudaStorage s = allocateOutput(DType.I32, 1);
        gpu.fill32(s.pointer(0), value, 1);
        return s;
    }

    /**
     * Checks the flag a kernel set, handing its value to {@code onValue} (which throws the op's error for a bad one),
     * and frees it: now, reading it (which waits for the stream), or, while a graph is being captured, after each
     * replay of the graph, which keeps the flag ({@link CudaDevice#deferCheck}).
     */
    void check(CudaStorage flag, IntConsumer onValue) {
        if (gpu.capturing()) {
            gpu.deferCheck(() -> onValue.accept(read(flag)), flag);
            return;
        }
        try (flag) {
            onValue.accept(read(flag));
        }
    }

    /** Reads a one-element int32 buffer (waits for the stream). */
    int read(CudaStorage flag) {
        MemorySegment v = MemorySegment.ofArray(new int[1]);
        gpu.copyToHost(flag.pointer(0), v, 4);
        return v.getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, 0);
    }
}
