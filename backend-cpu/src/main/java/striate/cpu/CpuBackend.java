package striate.cpu;

import striate.backend.HostBackend;
import striate.op.KernelTable;
import striate.reference.ReferenceBackend;
import striate.tensor.Device;

/**
 * The CPU backend: tensors in off-heap host memory, computed on this machine's cores. For now its kernel table
 * is the reference kernels registered under the name "cpu" — correct, scalar and single-threaded — so
 * {@code Device.cpu()} works end to end and the conformance suite runs against it. A later issue replaces
 * them one by one with vectorized (Vector API), multithreaded and native (GEMM, conv) kernels named
 * {@code Cpu<Name>}, each put before {@code putAllAbsent} so it wins over the reference one.
 */
public final class CpuBackend extends HostBackend {
    /** One kernel per non-view op; shared by every CPU backend instance. */
    public static final KernelTable KERNELS = KernelTable.builder("cpu")
            .putAllAbsent(ReferenceBackend.KERNELS)
            .build();

    private final Device device;

    public CpuBackend(Device device) {
        if (device.kind() != Device.Kind.CPU) {
            throw new IllegalArgumentException("CpuBackend serves cpu devices, not " + device);
        }
        this.device = device;
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
        return KERNELS;
    }
}
