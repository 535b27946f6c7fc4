package striate.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds out, without ever throwing, whether the CUDA backend can run here: looks up libcuda.so.1, libcublas.so.12
 * and libcudnn.so.9 with the foreign-function API (dlopen's search: LD_LIBRARY_PATH, the ldconfig cache), asks the
 * driver for its version and GPUs, reads each library's version, and only then loads JCuda's natives (a
 * {@link LinkageError} there becomes a sentence, not a stack trace). Probing once per process is enough:
 * {@link #report()} keeps the first result.
 */
public final class CudaProbe {
    static final String DRIVER = "libcuda.so.1";
    static final String CUBLAS = "libcublas.so.12";
    static final String CUBLAS_13 = "libcublas.so.13";
    static final String CUDNN = "libcudnn.so.9";

    static final String DRIVER_FIX = "no NVIDIA driver found (" + DRIVER + " is not on the library path): install the"
            + " NVIDIA driver on a machine with an NVIDIA GPU (nvidia-smi should list it), or use --device cpu";
    static final String CUBLAS_FIX = CUBLAS + " not found: install cuBLAS for CUDA 12 (the CUDA 12 toolkit, or pip's"
            + " nvidia-cublas-cu12) and put its folder on LD_LIBRARY_PATH";
    static final String CUBLAS_13_FIX = CUBLAS + " not found, only " + CUBLAS_13 + ": JCublas 12.6 needs cuBLAS 12;"
            + " install it (pip's nvidia-cublas-cu12), or put a forwarding " + CUBLAS + " to " + CUBLAS_13
            + " (see the README's CUDA section) on LD_LIBRARY_PATH";
    static final String CUDNN_FIX = CUDNN + " not found: install cuDNN 9 for the machine's CUDA (NVIDIA's"
            + " libcudnn9-cuda-12 or -cuda-13 package, or pip's nvidia-cudnn-cu12 or -cu13) and put its folder on"
            + " LD_LIBRARY_PATH";

    private static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    private static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;

    private CudaProbe() {
    }

    private static final class Once {
        static final CudaReport REPORT = probe();
    }

    /** The probe's result, computed on first use. */
    public static CudaReport report() {
        return Once.REPORT;
    }

    /** True when the CUDA backend can run on this machine. */
    public static boolean available() {
        return report().reason() == null;
    }

    /** Why CUDA can't run here, or null; what GPU tests pass to assumeTrue. */
    public static String unavailableReason() {
        return report().reason();
    }

    /** Probes now; never throws. */
    static CudaReport probe() {
        String platform = System.getProperty("os.name").toLowerCase(Locale.ROOT) + "/" + System.getProperty("os.arch");
        CudaReport.Library missingCublas = new CudaReport.Library(CUBLAS, null, null, CUBLAS_FIX);
        CudaReport.Library missingCudnn = new CudaReport.Library(CUDNN, null, null, CUDNN_FIX);
        Optional<SymbolLookup> cuda = open(DRIVER);
        if (cuda.isEmpty()) {
            return new CudaReport(platform, new CudaReport.Library(DRIVER, null, null, DRIVER_FIX), 0, null, List.of(),
                    missingCublas, missingCudnn, null);
        }
        CudaReport.Library driver = new CudaReport.Library(DRIVER, loadedPath("libcuda.so"), null, DRIVER_FIX);
        int version = 0;
        String error = null;
        List<CudaReport.Gpu> gpus = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            SymbolLookup lib = cuda.get();
            MemorySegment out = arena.allocate(JAVA_LONG);
            int status = (int) fn(lib, "cuInit", JAVA_INT).invokeExact(0);
            if (status != 0) {
                error = "cuInit returned " + status + " " + errorName(lib, status, arena);
            } else {
                int s = (int) fn(lib, "cuDriverGetVersion", ADDRESS).invokeExact(out);
                version = s == 0 ? out.get(JAVA_INT, 0) : 0;
                s = (int) fn(lib, "cuDeviceGetCount", ADDRESS).invokeExact(out);
                int count = s == 0 ? out.get(JAVA_INT, 0) : 0;
                for (int i = 0; i < count; i++) {
                    gpus.add(gpu(lib, i, arena));
                }
            }
        } catch (Throwable t) {
            error = "the driver API call failed: " + t;
        }
        CudaReport.Library cublas = library(CUBLAS, "libcublas.so", CudaProbe::cublasVersion,
                open(CUBLAS_13).isPresent() ? CUBLAS_13_FIX : CUBLAS_FIX);
        CudaReport.Library cudnn = library(CUDNN, "libcudnn.so", CudaProbe::cudnnVersion, CUDNN_FIX);
        String jcuda = null;
        if (error == null && !gpus.isEmpty() && cublas.found() && cudnn.found()) {
            jcuda = loadJcuda();
        }
        return new CudaReport(platform, driver, version, error, gpus, cublas, cudnn, jcuda);
    }

    private static CudaReport.Gpu gpu(SymbolLookup lib, int ordinal, Arena arena) throws Throwable {
        MemorySegment dev = arena.allocate(JAVA_INT);
        MemorySegment value = arena.allocate(JAVA_LONG);
        MemorySegment name = arena.allocate(256);
        int s = (int) fn(lib, "cuDeviceGet", ADDRESS, JAVA_INT).invokeExact(dev, ordinal);
        if (s != 0) {
            return new CudaReport.Gpu(ordinal, "(cuDeviceGet returned " + s + ")", 0, 0, 0);
        }
        int d = dev.get(JAVA_INT, 0);
        s = (int) fn(lib, "cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT).invokeExact(name, 256, d);
        String label = s == 0 ? name.getString(0) : "(unnamed)";
        s = (int) fn(lib, "cuDeviceTotalMem_v2", ADDRESS, JAVA_INT).invokeExact(value, d);
        long memory = s == 0 ? value.get(JAVA_LONG, 0) : 0;
        MethodHandle attribute = fn(lib, "cuDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
        s = (int) attribute.invokeExact(value, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d);
        int major = s == 0 ? value.get(JAVA_INT, 0) : 0;
        s = (int) attribute.invokeExact(value, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, d);
        int minor = s == 0 ? value.get(JAVA_INT, 0) : 0;
        return new CudaReport.Gpu(ordinal, label, memory, major, minor);
    }

    private static String errorName(SymbolLookup lib, int status, Arena arena) {
        try {
            MemorySegment text = arena.allocate(ADDRESS);
            int s = (int) fn(lib, "cuGetErrorString", JAVA_INT, ADDRESS).invokeExact(status, text);
            return s == 0 ? "(" + text.get(ADDRESS, 0).reinterpret(256).getString(0) + ")" : "";
        } catch (Throwable t) {
            return "";
        }
    }

    private interface Version {
        String of(SymbolLookup lib) throws Throwable;
    }

    private static CudaReport.Library library(String soname, String mapsName, Version version, String fix) {
        Optional<SymbolLookup> lib = open(soname);
        if (lib.isEmpty()) {
            return new CudaReport.Library(soname, null, null, fix);
        }
        String v;
        try {
            v = version.of(lib.get());
        } catch (Throwable t) {
            v = "unknown (" + t.getMessage() + ")";
        }
        String path = loadedPath(mapsName);
        return new CudaReport.Library(soname, path == null ? soname : path, v, fix);
    }

    private static String cublasVersion(SymbolLookup lib) throws Throwable {
        MethodHandle property = fn(lib, "cublasGetProperty", JAVA_INT, ADDRESS);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            int[] parts = new int[3];
            for (int p = 0; p < 3; p++) { // MAJOR_VERSION, MINOR_VERSION, PATCH_LEVEL
                int s = (int) property.invokeExact(p, v);
                parts[p] = s == 0 ? v.get(JAVA_INT, 0) : -1;
            }
            return parts[0] + "." + parts[1] + "." + parts[2];
        }
    }

    private static String cudnnVersion(SymbolLookup lib) throws Throwable {
        long v = (long) Linker.nativeLinker().downcallHandle(lib.find("cudnnGetVersion").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG)).invokeExact();
        return v >= 90000 ? v / 10000 + "." + v % 10000 / 100 + "." + v % 100 : Long.toString(v);
    }

    /** Loads JCuda's driver natives and asks for the driver version; null when that works. */
    private static String loadJcuda() {
        try {
            int[] v = new int[1];
            jcuda.driver.JCudaDriver.cuDriverGetVersion(v);
            return null;
        } catch (LinkageError | RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** The library {@code soname} as the dynamic linker finds it, if it does. */
    static Optional<SymbolLookup> open(String soname) {
        try {
            return Optional.of(SymbolLookup.libraryLookup(soname, Arena.global()));
        } catch (IllegalArgumentException | IllegalCallerException e) {
            return Optional.empty();
        }
    }

    private static MethodHandle fn(SymbolLookup lib, String name, java.lang.foreign.MemoryLayout... args) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new IllegalStateException(name + " is missing"));
        return Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(JAVA_INT, args));
    }

    /** The file a loaded library came from, from /proc/self/maps; null when not found. */
    static String loadedPath(String fileNamePrefix) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash >= 0) {
                    String path = line.substring(slash).trim();
                    if (Path.of(path).getFileName().toString().startsWith(fileNamePrefix)) {
                        return path;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
