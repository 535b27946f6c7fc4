package striate.cpu;

import org.slf4j.LoggerFactory;
import striate.backend.HostBackend;
import striate.op.KernelTable;
import striate.tensor.Device;

/**
 * The CPU backend: tensors in off-heap host memory, computed on this machine's cores. Float32 GEMM, convolution,
 * pooling, elementwise, softmax and optimizer-update kernels are Vector API / multithreaded Java ({@code Cpu<Name>})
 * on one intra-op pool per backend (sized by {@code -Dstriate.cpu.threads}, default all cores); {@link CpuKernels}
 * says which kernel serves each op, and which inputs or ops it leaves to a reference kernel, and why. The conformance
 * suite checks every kernel here against the reference backend. GEMMs from a size up run in OpenBLAS, loaded when the
 * backend is created ({@code -Dstriate.cpu.native=false} turns that off; see {@link Sgemm}).
 */
public final class CpuBackend extends HostBackend {
    /**
     * The most intra-op threads per core that {@code -Dstriate.cpu.threads} (and the command line's --threads) take:
     * more only share the cores, and thousands of threads hang the start.
     */
    public static final int MAX_THREADS_PER_CORE = 4;

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
        this.kernels = CpuKernels.table(pool, sgemm);
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
