package striate.cpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * OpenBLAS's {@code cblas_sgemm} through a Java FFM downcall ({@link NativeGemm}). JavaCPP's {@link Loader}
 * extracts the OpenBLAS bundled in the {@code org.bytedeco:openblas} jar of this platform and loads it (once per
 * process: a library cannot be loaded twice); this class looks its symbols up by path and binds them. The sgemm
 * downcall is critical, so float[] heap arrays reach OpenBLAS without a copy, and off-heap tensor memory goes as it
 * is. A critical call holds off safepoints (and so GC) while it runs; the callers' bands keep one call to tens of
 * milliseconds.
 *
 * <p>OpenBLAS is set to one thread: its own threading splits C by its thread count, and its edge kernels round
 * differently from its main kernel, so results would change with the thread count. Callers parallelize over
 * blocks of C fixed by shape instead (see {@link CpuMatMul}).
 */
final class NativeBlas implements NativeGemm {
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;
    private static final MemoryLayout C_STRING = MemoryLayout.sequenceLayout(256, JAVA_BYTE);

    private final MethodHandle sgemm;
    private final String coreName;
    private final String config;

    private NativeBlas(MethodHandle sgemm, String coreName, String config) {
        this.sgemm = sgemm;
        this.coreName = coreName;
        this.config = config;
    }

    /** Loads the bundled OpenBLAS and sets it to one thread; throws (a LinkageError or a runtime exception) when it can't. */
    static NativeBlas load() {
        Loader.load(openblas_nolapack.class);
        Path path = libraryPath(Loader.getLoadedLibraries());
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(path, Arena.global());
        MethodHandle setThreads = linker.downcallHandle(
                NativeGemm.symbol(lib, "OpenBLAS", "openblas_set_num_threads"),
                FunctionDescriptor.ofVoid(JAVA_INT));
        MethodHandle corename = linker.downcallHandle(
                NativeGemm.symbol(lib, "OpenBLAS", "openblas_get_corename"),
                FunctionDescriptor.of(ADDRESS.withTargetLayout(C_STRING)));
        MethodHandle config = linker.downcallHandle(
                NativeGemm.symbol(lib, "OpenBLAS", "openblas_get_config"),
                FunctionDescriptor.of(ADDRESS.withTargetLayout(C_STRING)));
        MethodHandle sgemm = linker.downcallHandle(
                NativeGemm.symbol(lib, "OpenBLAS", "cblas_sgemm"),
                FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_FLOAT,
                        ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT),
                Linker.Option.critical(true));
        try {
            setThreads.invokeExact(1);
            String core = ((MemorySegment) corename.invokeExact()).getString(0);
            String cfg = ((MemorySegment) config.invokeExact()).getString(0);
            return new NativeBlas(sgemm, core, cfg);
        } catch (Throwable t) {
            throw new IllegalStateException("OpenBLAS did not answer: " + t, t);
        }
    }

    /** The OpenBLAS library among those JavaCPP loaded (its key is "openblas_nolapack@.0" on Linux). */
    private static Path libraryPath(Map<String, String> loaded) {
        return loaded.entrySet().stream()
                .filter(e -> e.getKey().startsWith("openblas") && e.getValue() != null)
                .map(e -> Path.of(e.getValue()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("JavaCPP loaded no OpenBLAS library: " + loaded.keySet()));
    }


    /** The kernel set OpenBLAS picked for this CPU ("Zen", "Haswell", "SkylakeX", ...). */
    String coreName() {
        return coreName;
    }

    /** OpenBLAS's build line, e.g. "OpenBLAS 0.3.30 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64". */
    String config() {
        return config;
    }

    /** "0.3.30", the second word of the build line. */
    String version() {
        String[] words = config.split(" ");
        return words.length > 1 ? words[1] : config;
    }

    @Override
    public String name() {
        return "openblas";
    }

    @Override
    public String describe() {
        return "OpenBLAS " + version() + " (core " + coreName + ")";
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, MemorySegment a, long aOff, int lda,
                      MemorySegment b, long bOff, int ldb, MemorySegment c, long cOff, int ldc, boolean accumulate) {
        NativeGemm.checkOperands(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        try {
            sgemm.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k, 1f,
                    a.asSlice(aOff * 4L), lda, b.asSlice(bOff * 4L), ldb,
                    accumulate ? 1f : 0f, c.asSlice(cOff * 4L), ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed: " + t, t);
        }
    }
}
