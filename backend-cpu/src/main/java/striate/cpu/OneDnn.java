package striate.cpu;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import org.bytedeco.javacpp.Loader;

/**
 * oneDNN's {@code dnnl_sgemm} (row-major) through a Java FFM downcall. The {@code org.bytedeco:dnnl} jar of this
 * platform carries {@code libdnnl.so.3} and the OpenMP runtime it was built with ({@code libgomp.so.1}); JavaCPP's
 * {@link Loader#cacheResource} extracts them, and this class opens them by path (the presets' Java classes are not
 * used). The downcall is critical, as OpenBLAS's ({@link NativeBlas}): float[] arrays reach oneDNN without a copy.
 *
 * <p>Every calling thread sets its OpenMP thread count to one before its first call (an OpenMP setting belongs to
 * the thread that makes it), so each call runs on its caller alone: callers parallelize over blocks of C fixed by
 * shape (see {@link CpuMatMul}), and results do not depend on the thread count.
 *
 * <p>Asynchronous signals are blocked on the calling thread for the length of each call. A signal that lands while
 * oneDNN 3.8.1's sgemm runs corrupts its state: under JFR's samplers, which suspend threads by a signal, every run
 * died within seconds (glibc's "corrupted size vs. prev_size", or a crash in the collector), also in a probe without
 * Striate, and never with the signals blocked (benchmarks/RESULTS.md). A JVM's suspend request then waits for the
 * call or gives up (a profiler loses those samples); synchronous signals (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP,
 * SIGABRT) stay unblocked.
 */
final class OneDnn implements NativeGemm {
    private static final int SUCCESS = 0; // dnnl_success
    private static final int SIG_BLOCK = 0;
    private static final int SIG_SETMASK = 2;
    private static final long SIGSET_BYTES = 128; // glibc's sigset_t
    /** Signals the kernel raises on the faulting thread itself: never blocked. */
    private static final int[] SYNCHRONOUS = {4, 5, 6, 7, 8, 11}; // SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV
    /** dnnl_version_t: major, minor, patch, hash, cpu_runtime, gpu_runtime. */
    private static final StructLayout VERSION = MemoryLayout.structLayout(JAVA_INT.withName("major"),
            JAVA_INT.withName("minor"), JAVA_INT.withName("patch"), MemoryLayout.paddingLayout(4),
            ADDRESS.withName("hash"), JAVA_INT.withName("cpu_runtime"), JAVA_INT.withName("gpu_runtime"));

    private final MethodHandle sgemm;
    private final MethodHandle ompSetNumThreads;
    private final MethodHandle sigmask;
    private final MemorySegment asynchronous; // the signals blocked during a call
    private final ThreadLocal<MemorySegment> savedMask; // per calling thread: its mask while a call runs
    private final String version;

    private OneDnn(MethodHandle sgemm, MethodHandle ompSetNumThreads, MethodHandle sigmask, MemorySegment asynchronous,
                   String version) {
        this.sgemm = sgemm;
        this.ompSetNumThreads = ompSetNumThreads;
        this.sigmask = sigmask;
        this.asynchronous = asynchronous;
        this.version = version;
        this.savedMask = ThreadLocal.withInitial(this::firstCallOnThisThread);
    }

    /** Extracts and opens the bundled oneDNN; throws (a LinkageError or a runtime exception) when it can't. */
    static OneDnn load() {
        String dir = "/org/bytedeco/dnnl/" + Loader.getPlatform() + "/";
        File gomp = extract(dir + "libgomp.so.1");
        File dnnl = extract(dir + "libdnnl.so.3");
        Linker linker = Linker.nativeLinker();
        // the OpenMP runtime first: oneDNN's library needs it
        SymbolLookup openmp = SymbolLookup.libraryLookup(gomp.toPath(), Arena.global());
        SymbolLookup lib = SymbolLookup.libraryLookup(dnnl.toPath(), Arena.global());
        MethodHandle setThreads = linker.downcallHandle(
                NativeGemm.symbol(openmp, "oneDNN's libraries", "omp_set_num_threads"),
                FunctionDescriptor.ofVoid(JAVA_INT));
        MethodHandle versionOf = linker.downcallHandle(
                NativeGemm.symbol(lib, "oneDNN's libraries", "dnnl_version"),
                FunctionDescriptor.of(ADDRESS.withTargetLayout(VERSION)));
        MethodHandle sgemm = linker.downcallHandle(
                NativeGemm.symbol(lib, "oneDNN's libraries", "dnnl_sgemm"),
                FunctionDescriptor.of(JAVA_INT, JAVA_BYTE, JAVA_BYTE, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_FLOAT,
                        ADDRESS, JAVA_LONG, ADDRESS, JAVA_LONG, JAVA_FLOAT, ADDRESS, JAVA_LONG),
                Linker.Option.critical(true));
        SymbolLookup libc = linker.defaultLookup();
        MethodHandle sigfillset = linker.downcallHandle(NativeGemm.symbol(libc, "the C library", "sigfillset"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MethodHandle sigdelset = linker.downcallHandle(NativeGemm.symbol(libc, "the C library", "sigdelset"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        MethodHandle sigmask = linker.downcallHandle(NativeGemm.symbol(libc, "the C library", "pthread_sigmask"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        try {
            MemorySegment asynchronous = Arena.global().allocate(SIGSET_BYTES, 8);
            int ok = (int) sigfillset.invokeExact(asynchronous);
            for (int signal : SYNCHRONOUS) {
                ok |= (int) sigdelset.invokeExact(asynchronous, signal);
            }
            if (ok != 0) {
                throw new IllegalStateException("sigfillset/sigdelset failed");
            }
            MemorySegment v = (MemorySegment) versionOf.invokeExact();
            String version = v.get(JAVA_INT, 0) + "." + v.get(JAVA_INT, 4) + "." + v.get(JAVA_INT, 8);
            return new OneDnn(sgemm, setThreads, sigmask, asynchronous, version);
        } catch (Throwable t) {
            throw new IllegalStateException("oneDNN did not answer: " + t, t);
        }
    }

    private static File extract(String resource) {
        try {
            File f = Loader.cacheResource(OneDnn.class, resource);
            if (f == null) {
                throw new IllegalStateException("no " + resource + " on the class path (the org.bytedeco:dnnl jar of "
                        + "this platform)");
            }
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("could not extract " + resource + ": " + e.getMessage(), e);
        }
    }


    /** Sets this thread's OpenMP thread count to one; returns room for its signal mask during calls. */
    private MemorySegment firstCallOnThisThread() {
        try {
            ompSetNumThreads.invokeExact(1);
        } catch (Throwable t) {
            throw new IllegalStateException("omp_set_num_threads failed: " + t, t);
        }
        return Arena.ofAuto().allocate(SIGSET_BYTES, 8);
    }

    /** "3.8.1". */
    String version() {
        return version;
    }

    /**
     * oneDNN ran small products 1.2 to 2.8 times as fast as the Java kernels from about 54,000 multiply-adds on
     * (64 × 10 × 84, a LeNet output layer's gradient, to 64 × 784 × 256, an MLP's, in every layout), and slower at
     * 32,768 and below (32³: 0.66; benchmarks/RESULTS.md); 40,000 lies between.
     */
    @Override
    public long everyShapeMinMacs() {
        return 40_000;
    }

    /**
     * oneDNN kept its rate on bands down to 64 rows and 2^22 multiply-adds where B is small (64 × 256 × 256 at 189
     * GFLOP/s against 195 for 256³; benchmarks/RESULTS.md), so a medium product gets up to 4 bands for the threads.
     */
    @Override
    public long bandMinMacs() {
        return 1L << 22;
    }

    @Override
    public int bandMinLength() {
        return 64;
    }

    /**
     * oneDNN 3.8.1's Aᵀ·B ran 1.2 to 1.45 times slower than its transpose Bᵀ·A where C is at least twice as tall as
     * wide, at most 512 wide, over k from 1,024: a recurrent layer's weight gradients dyᵀ·x, [4h, in]. Elsewhere the
     * two ran alike (benchmarks/RESULTS.md).
     */
    @Override
    public boolean swapsTransposedA(int m, int n, int k) {
        return m >= 2 * n && n <= 512 && k >= 1024;
    }

    @Override
    public String name() {
        return "onednn";
    }

    @Override
    public String describe() {
        return "oneDNN " + version;
    }

    @Override
    public void sgemm(boolean transA, boolean transB, int m, int n, int k, MemorySegment a, long aOff, int lda,
                      MemorySegment b, long bOff, int ldb, MemorySegment c, long cOff, int ldc, boolean accumulate) {
        NativeGemm.checkOperands(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        MemorySegment saved = savedMask.get();
        int status;
        try {
            if ((int) sigmask.invokeExact(SIG_BLOCK, asynchronous, saved) != 0) {
                throw new IllegalStateException("pthread_sigmask could not block signals for dnnl_sgemm");
            }
            try {
                status = (int) sgemm.invokeExact((byte) (transA ? 'T' : 'N'), (byte) (transB ? 'T' : 'N'), (long) m,
                        (long) n, (long) k, 1f, a.asSlice(aOff * 4L), (long) lda, b.asSlice(bOff * 4L), (long) ldb,
                        accumulate ? 1f : 0f, c.asSlice(cOff * 4L), (long) ldc);
            } finally {
                int restored = (int) sigmask.invokeExact(SIG_SETMASK, saved, MemorySegment.NULL);
                if (restored != 0) {
                    throw new IllegalStateException("pthread_sigmask could not restore the signal mask");
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("dnnl_sgemm failed: " + t, t);
        }
        if (status != SUCCESS) {
            throw new IllegalStateException("dnnl_sgemm returned status " + status + " for m=" + m + ", n=" + n
                    + ", k=" + k + " (transA " + transA + ", transB " + transB + ", lda " + lda + ", ldb " + ldb
                    + ", ldc " + ldc + ")");
        }
    }
}
