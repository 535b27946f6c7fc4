package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Single-threaded float GEMM on row-major arrays, C[m, n] (+)= A[m, k] · B[k, n] (or · Bᵀ), as one backend
 * runs it. Large products ({@link #isLarge}) go to a native library where one single-threaded call beat the Java
 * kernels when measured: oneDNN ({@link OneDnn}) where it loads, which ran 1.2 to 1.9 times OpenBLAS's speed on the
 * models' shapes, else OpenBLAS ({@link NativeBlas}); or else to the packed Vector API kernel ({@link PackedSgemm});
 * smaller ones to the in-place Vector API kernels ({@link VectorSgemm}, {@link VectorSgemmNT}); without
 * {@code --add-modules jdk.incubator.vector}, the plain loops of {@link ScalarSgemm}, so a bare {@code java -jar}
 * still computes. {@code -Dstriate.cpu.blas=openblas} skips oneDNN. OpenBLAS is left out when natives are off, when
 * it fails to load, when it mis-detects the CPU, and when its kernels are AVX2 at most on a CPU whose Java vectors
 * are 512 bits wide. The choice depends on the machine and the shape, never on the thread count.
 */
final class Sgemm {
    /** Whether the boot layer holds the Vector API module; fixed for the JVM's lifetime. */
    static final boolean VECTOR_API = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    /**
     * m·n·k from which one single-threaded OpenBLAS A·B beats the register-blocked Vector API kernel (about 320³;
     * below it they trade places by shape, and OpenBLAS is far slower on skinny m like LeNet's 6 filters).
     */
    static final long LARGE_MIN_MACS = 1L << 25;
    /**
     * Below {@link #LARGE_MIN_MACS}, OpenBLAS still runs A·B when every dimension is at least
     * {@link #NATIVE_WIDE_MIN_DIM} and m·n·k at least this (a text-CNN's convolutions, 100 filters over 128-wide
     * embeddings): there it beat the in-place Vector API kernel, which wins on the skinny shapes below it.
     */
    static final long NATIVE_WIDE_MIN_MACS = 1L << 22;
    static final int NATIVE_WIDE_MIN_DIM = 96;
    /** The Vector API A·Bᵀ kernel is a dot-product kernel: OpenBLAS beats it from 64³ unless n is tiny. */
    static final long NATIVE_NT_MIN_MACS = 1L << 16;
    static final int NATIVE_NT_MIN_N = 32;
    static final int PACKED_NT_MIN_M = 32;
    /** OpenBLAS core types with current FMA kernels; any other x86 core type means a mis-detection or an old CPU. */
    private static final Set<String> MODERN_X86_CORES = Set.of("haswell", "zen", "skylakex", "cooperlake",
            "sapphirerapids");
    /**
     * Core types whose SGEMM kernels are AVX2 at most. Where Java's vectors are 512 bits wide, the packed Java
     * kernel beats them, since it does twice the work per instruction (measurements: benchmarks/RESULTS.md).
     */
    private static final Set<String> AVX2_CORES = Set.of("haswell", "zen");

    private final NativeGemm blas; // null: Java kernels only
    private final String description;

    private Sgemm(NativeGemm blas, String description) {
        this.blas = blas;
        this.description = description;
    }

    /** Java kernels only; {@code why} says why in the description. */
    static Sgemm javaOnly(String why) {
        String kernels = VECTOR_API ? "Java Vector API, packed from 2^25 multiply-adds (A·Bᵀ: 2^16, m and n >= 32),"
                + " in place below" : "Java scalar";
        return new Sgemm(null, kernels + " (" + why + ")");
    }

    /** The native library from the thresholds up, Java below. */
    static Sgemm withNative(NativeGemm blas) {
        long every = blas.everyShapeMinMacs();
        if (every <= NATIVE_NT_MIN_MACS) { // then the layouts' own thresholds add nothing
            return new Sgemm(blas, blas.describe() + ", single-threaded calls, from " + String.format(Locale.ROOT, "%,d", every)
                    + " multiply-adds, " + javaKernel() + " below");
        }
        return new Sgemm(blas, blas.describe() + ", single-threaded calls, from 2^25 multiply-adds, or 2^22 with every"
                + " dim >= " + NATIVE_WIDE_MIN_DIM + " (A·Bᵀ: 2^16 and n >= " + NATIVE_NT_MIN_N + "), " + javaKernel()
                + " below");
    }

    /**
     * From {@code -Dstriate.cpu.native} (default true) and {@code -Dstriate.cpu.blas} (onednn, the default, or
     * openblas), loading the library when natives are on.
     */
    static Sgemm fromSystemProperties(Consumer<String> warn) {
        return choose(System.getProperty("striate.cpu.native"), System.getProperty("striate.cpu.blas"),
                System.getProperty("os.arch"), OneDnn::load, NativeBlas::load, warn);
    }

    /**
     * The decision with oneDNN first: natives off give the Java kernels; else oneDNN unless the blas property names
     * openblas, and, when oneDNN fails to load (one {@code warn} line), OpenBLAS by {@link #choose(String, String,
     * Supplier, Consumer)}'s rules.
     */
    static Sgemm choose(String nativeProperty, String blasProperty, String arch, Supplier<? extends NativeGemm> oneDnn,
                        Supplier<NativeBlas> openBlas, Consumer<String> warn) {
        String lib = blasProperty == null || blasProperty.isBlank() ? "onednn"
                : blasProperty.trim().toLowerCase(Locale.ROOT);
        if (!lib.equals("onednn") && !lib.equals("openblas")) {
            throw new IllegalArgumentException("-Dstriate.cpu.blas must be onednn or openblas, got '" + blasProperty
                    + "'");
        }
        if (lib.equals("onednn") && !nativesOff(nativeProperty)) {
            try {
                return withNative(oneDnn.get());
            } catch (RuntimeException | LinkageError e) {
                warn.accept("native oneDNN did not load (" + e + "); trying OpenBLAS");
            }
        }
        return choose(nativeProperty, arch, openBlas, warn);
    }

    /** Whether {@code -Dstriate.cpu.native} turns natives off (false), leaves them on (true, unset), or is wrong. */
    private static boolean nativesOff(String nativeProperty) {
        if (nativeProperty == null || nativeProperty.isBlank()) {
            return false;
        }
        String v = nativeProperty.trim().toLowerCase(Locale.ROOT);
        if (!v.equals("false") && !v.equals("true")) {
            throw new IllegalArgumentException("-Dstriate.cpu.native must be true or false, got '" + nativeProperty
                    + "'");
        }
        return v.equals("false");
    }

    /**
     * The decision, with its inputs explicit: natives off by the property, OpenBLAS failing to load, or a core
     * type without modern kernels each give the Java kernels; the last two with one {@code warn} line.
     */
    static Sgemm choose(String nativeProperty, String arch, Supplier<NativeBlas> loader, Consumer<String> warn) {
        if (nativesOff(nativeProperty)) {
            return javaOnly("natives off: -Dstriate.cpu.native=false");
        }
        NativeBlas blas;
        try {
            blas = loader.get();
        } catch (RuntimeException | LinkageError e) {
            warn.accept("native OpenBLAS did not load (" + e + "); using the " + javaKernel() + " GEMM");
            return javaOnly("OpenBLAS did not load");
        }
        if (!trustedCore(arch, blas.coreName())) {
            warn.accept("OpenBLAS " + blas.version() + " picked core type '" + blas.coreName() + "' for this CPU, which"
                    + " has no modern kernels (a mis-detected CPU runs up to 3x slower); using the " + javaKernel()
                    + " GEMM");
            return javaOnly("OpenBLAS core type " + blas.coreName() + " not trusted");
        }
        if (VECTOR_API && PackedSgemm.wideVectors() && narrowerThanJava(blas.coreName())) {
            return javaOnly("faster than OpenBLAS " + blas.version() + "'s " + blas.coreName()
                    + " kernels, which use AVX2 on this AVX-512 CPU");
        }
        return withNative(blas);
    }

    /** On x86, only core types with AVX2/AVX-512 FMA kernels; on other architectures, whatever OpenBLAS picked. */
    static boolean trustedCore(String arch, String coreName) {
        boolean x86 = arch != null && (arch.equals("amd64") || arch.equals("x86_64"));
        return !x86 || MODERN_X86_CORES.contains(coreName.trim().toLowerCase(Locale.ROOT));
    }

    /** Whether OpenBLAS's kernels for this core type are AVX2 at most (asked only where Java's are 512 bits wide). */
    static boolean narrowerThanJava(String coreName) {
        return AVX2_CORES.contains(coreName.trim().toLowerCase(Locale.ROOT));
    }

    private static String javaKernel() {
        return VECTOR_API ? "Java Vector API" : "Java scalar";
    }

    /** What runs, for {@code striate doctor}. */
    String description() {
        return description;
    }

    /** Whether an A·B of this shape goes to the native library. */
    boolean isNative(int m, int n, int k) {
        long macs = (long) m * n * k;
        boolean wide = Math.min(m, Math.min(n, k)) >= NATIVE_WIDE_MIN_DIM && macs >= NATIVE_WIDE_MIN_MACS;
        return blas != null && (macs >= LARGE_MIN_MACS || wide || macs >= blas.everyShapeMinMacs());
    }

    /**
     * Whether an A·Bᵀ of this shape goes to the packed Java kernel where OpenBLAS isn't used: from OpenBLAS's
     * threshold, with at least 32 rows to share each packed strip of B (with fewer, packing B costs more than the
     * dot-product kernel's slower inner loop; measurements: benchmarks/RESULTS.md).
     */
    boolean isPackedNT(int m, int n, int k) {
        return blas == null && VECTOR_API && m >= PACKED_NT_MIN_M && n >= NATIVE_NT_MIN_N
                && (long) m * n * k >= NATIVE_NT_MIN_MACS;
    }

    /** Whether an A·B of this shape goes to the packed Java kernel: as large as OpenBLAS's, where it isn't used. */
    boolean isPacked(int m, int n, int k) {
        return blas == null && VECTOR_API && (long) m * n * k >= LARGE_MIN_MACS;
    }

    /** Whether op(A)·op(B) of this shape is large: one of the kernels that read the operands in place runs it. */
    boolean isLarge(int m, int n, int k) {
        return isNative(m, n, k) || isPacked(m, n, k);
    }

    /**
     * Whether op(A)·op(B) of this shape is large by the rule of its layout: A·Bᵀ (B's rows contiguous along k, as a
     * linear layer's weight or a recurrent layer's W_hh) by {@link #isNativeNT} / {@link #isPackedNT}, every other
     * layout by {@link #isLarge}.
     */
    boolean isLarge(boolean transA, boolean transB, int m, int n, int k) {
        return transB && !transA ? isNativeNT(m, n, k) || isPackedNT(m, n, k) : isLarge(m, n, k);
    }

    /** Whether a native library is loaded: then it runs every large product, else the packed Java kernel does. */
    boolean hasNative() {
        return blas != null;
    }

    /** The native library's least multiply-adds per band ({@link NativeGemm#bandMinMacs}); only with a native one. */
    long bandMinMacs() {
        return blas.bandMinMacs();
    }

    /** The native library's fewest rows or columns per band ({@link NativeGemm#bandMinLength}). */
    int bandMinLength() {
        return blas.bandMinLength();
    }

    /** Whether C = Aᵀ·B of this shape runs as Cᵀ = Bᵀ·A and a transpose ({@link NativeGemm#swapsTransposedA}). */
    boolean swapsTransposedA(int m, int n, int k) {
        return blas != null && blas.swapsTransposedA(m, n, k);
    }

    /** The native library's name for kernel traces ("onednn", "openblas"); call only when {@link #hasNative}. */
    String nativeName() {
        return blas.name();
    }

    /** Whether an A·Bᵀ of this shape goes to the native library. */
    boolean isNativeNT(int m, int n, int k) {
        long macs = (long) m * n * k;
        return blas != null && (n >= NATIVE_NT_MIN_N && macs >= NATIVE_NT_MIN_MACS || macs >= blas.everyShapeMinMacs());
    }

    /** C = A·B (or C += A·B when {@code accumulate}). Leading dimensions are row strides in elements. */
    void gemm(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float[] c, int cOff, int ldc, boolean accumulate) {
        if (isNative(m, n, k)) {
            blas.sgemm(false, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else if (isPacked(m, n, k)) {
            PackedSgemm.gemm(false, false, m, n, k, MemorySegment.ofArray(a), aOff, lda, MemorySegment.ofArray(b),
                    bOff, ldb, MemorySegment.ofArray(c), cOff, ldc, accumulate);
        } else if (VECTOR_API) {
            VectorSgemm.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            ScalarSgemm.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        }
    }

    /**
     * C (+)= op(A)·op(B) on segments, read in place, for callers that checked {@link #isLarge} for the whole product
     * (this may be a block of it): by the native library (see
     * {@link NativeGemm#sgemm(boolean, boolean, int, int, int, MemorySegment, long, int, MemorySegment, long, int,
     * MemorySegment, long, int, boolean)}) or by the packed Java kernel.
     */
    void largeGemm(boolean transA, boolean transB, int m, int n, int k, MemorySegment a, long aOff, int lda,
                   MemorySegment b, long bOff, int ldb, MemorySegment c, long cOff, int ldc, boolean accumulate) {
        if (blas != null) {
            blas.sgemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else if (VECTOR_API) {
            PackedSgemm.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
        } else {
            throw new IllegalStateException("no large GEMM kernel here: " + description);
        }
    }

    /** C = A·Bᵀ for A [m, k] and B [n, k], both with contiguous rows (the long dimension is k). */
    void gemmNT(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                float[] c, int cOff, int ldc) {
        if (isNativeNT(m, n, k)) {
            blas.sgemm(true, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, false);
        } else if (isPackedNT(m, n, k)) {
            PackedSgemm.gemm(false, true, m, n, k, MemorySegment.ofArray(a), aOff, lda, MemorySegment.ofArray(b),
                    bOff, ldb, MemorySegment.ofArray(c), cOff, ldc, false);
        } else if (VECTOR_API) {
            VectorSgemmNT.gemm(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        } else {
            ScalarSgemm.gemmNT(m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        }
    }
}
