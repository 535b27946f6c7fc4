package striate.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import striate.backend.Backends;
import striate.cpu.CpuBackend;
import striate.cuda.CudaBackend;
import striate.cuda.CudaProbe;
import striate.cuda.NcclEngine;
import striate.tensor.Device;

/**
 * {@code striate doctor}: what this machine offers Striate — Java version, the Vector API module, native
 * access, each backend's availability (or why not and how to fix it), the CPU GEMM in use, cores and memory; for CUDA, what the probe
 * found (driver, GPUs, cuBLAS, cuDNN, where and which versions) and, where it can run, that the first GPU starts
 * (context, PTX modules) and its allocator's counters; NCCL's version and file, or why it is unavailable.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check Java, the Vector API, native access, the backends, cores and memory.")
final class DoctorCommand implements Callable<Integer> {
    private static final long MIB = 1024 * 1024;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Runtime.Version v = Runtime.version();
        out.println("striate " + Main.version());
        out.println("java: " + v + " (" + System.getProperty("java.vendor") + ") at " + System.getProperty("java.home")
                + (v.feature() >= 25 ? "" : "; Striate needs Java 25 or newer"));
        out.println("vector API: " + (vectorApiPresent() ? "present (jdk.incubator.vector)"
                : "absent, so only scalar kernels run; start java with --add-modules jdk.incubator.vector"
                        + " (bin/striate does)"));
        out.println("native access: " + (Main.class.getModule().isNativeAccessEnabled() ? "enabled"
                : "not enabled; start java with --enable-native-access=ALL-UNNAMED (bin/striate does)"));
        out.println("cores: " + Runtime.getRuntime().availableProcessors());
        out.println("memory: max heap " + Runtime.getRuntime().maxMemory() / MIB + " MiB" + physicalMemory());
        out.println("backends:");
        for (String line : Backends.diagnostics()) {
            out.println("  " + line);
        }
        out.println("cpu gemm: " + cpuGemm());
        out.println("cuda:");
        for (String line : CudaProbe.report().lines()) {
            out.println("  " + line);
        }
        if (CudaProbe.available()) {
            try {
                CudaBackend cuda = (CudaBackend) Backends.of(Device.cuda(0));
                out.println("  cuda:0 started (context, stream, cuBLAS, cuDNN, PTX modules); memory: " + cuda.memory());
            } catch (RuntimeException e) {
                out.println("  cuda:0 failed to start: " + e.getMessage());
            }
        }
        out.println("nccl: " + NcclEngine.describe());
        out.flush();
        return 0;
    }

    /** The CPU backend's GEMM (OpenBLAS or Java, and why), or why the backend could not start. */
    private static String cpuGemm() {
        try {
            return Backends.of(Device.cpu()) instanceof CpuBackend cpu ? cpu.gemm() : "not the Striate CPU backend";
        } catch (RuntimeException e) {
            return "unavailable: " + e.getMessage();
        }
    }

    /** True when the JVM was started with the Vector API module (it is an incubator module, off by default). */
    static boolean vectorApiPresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static String physicalMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return ", physical " + os.getTotalMemorySize() / MIB + " MiB (" + os.getFreeMemorySize() / MIB + " MiB free)";
        }
        return "";
    }
}
