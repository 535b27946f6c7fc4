package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Which GEMM a backend runs: the property, a library that fails to load, a core type OpenBLAS mis-detected. */
class SgemmChoiceTest {
    private final List<String> warnings = new ArrayList<>();

    private static final Supplier<NativeBlas> FAILS = () -> {
        throw new UnsatisfiedLinkError("no jniopenblas_nolapack in java.library.path");
    };

    @Test
    void nativeOffByPropertyNeverLoads() {
        Sgemm s = Sgemm.choose("false", "amd64", () -> {
            throw new AssertionError("must not load OpenBLAS");
        }, warnings::add);
        assertFalse(s.isNative(4096, 4096, 4096));
        assertTrue(s.description().contains("-Dstriate.cpu.native=false"), s.description());
        assertEquals(List.of(), warnings);
    }

    @Test
    void aLibraryThatFailsToLoadGivesOneWarningAndTheJavaKernel() {
        Sgemm s = Sgemm.choose(null, "amd64", FAILS, warnings::add);
        assertFalse(s.isNative(4096, 4096, 4096));
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith("native OpenBLAS did not load"), warnings.get(0));
        assertTrue(s.description().startsWith("Java"), s.description());
    }

    @Test
    void aBadPropertyValueIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> Sgemm.choose("yes", "amd64", FAILS, warnings::add));
    }

    @Test
    void oneDnnComesFirstWhereItLoads() {
        Sgemm s = Sgemm.choose(null, null, "amd64", OneDnn::load, () -> {
            throw new AssertionError("must not load OpenBLAS when oneDNN loads");
        }, warnings::add);
        assertTrue(s.isNative(512, 512, 512));
        assertTrue(s.description().startsWith("oneDNN "), s.description());
        assertEquals("onednn", s.nativeName());
        assertEquals(List.of(), warnings);
    }

    @Test
    void theBlasPropertyOpenBlasSkipsOneDnn() {
        Sgemm s = Sgemm.choose(null, "openblas", "amd64", () -> {
            throw new AssertionError("must not load oneDNN");
        }, FAILS, warnings::add);
        assertFalse(s.isNative(4096, 4096, 4096));
        assertTrue(warnings.get(0).startsWith("native OpenBLAS did not load"), warnings.toString());
    }

    @Test
    void aOneDnnThatFailsToLoadGivesOneWarningAndOpenBlasRules() {
        Sgemm s = Sgemm.choose(null, "onednn", "amd64", () -> {
            throw new UnsatisfiedLinkError("libdnnl.so.3: cannot open shared object file");
        }, FAILS, warnings::add);
        assertFalse(s.isNative(4096, 4096, 4096));
        assertEquals(2, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("native oneDNN did not load"), warnings.get(0));
        assertTrue(warnings.get(1).startsWith("native OpenBLAS did not load"), warnings.get(1));
    }

    @Test
    void nativesOffLoadNeitherLibraryAndABadBlasValueIsAnError() {
        Sgemm s = Sgemm.choose("false", null, "amd64", () -> {
            throw new AssertionError("must not load oneDNN");
        }, () -> {
            throw new AssertionError("must not load OpenBLAS");
        }, warnings::add);
        assertFalse(s.isNative(4096, 4096, 4096));
        assertThrows(IllegalArgumentException.class, () -> Sgemm.choose(null, "mkl", "amd64", OneDnn::load, FAILS,
                warnings::add));
    }

    @Test
    void onlyCoreTypesWithModernKernelsAreTrustedOnX86() {
        for (String core : new String[] {"Haswell", "Zen", "SkylakeX", "Cooperlake", "SapphireRapids"}) {
            assertTrue(Sgemm.trustedCore("amd64", core), core);
        }
        for (String core : new String[] {"Barcelona", "Opteron", "Prescott", "Nehalem", "Sandybridge", "Core2"}) {
            assertFalse(Sgemm.trustedCore("amd64", core), core);
        }
        assertTrue(Sgemm.trustedCore("aarch64", "NEOVERSEN1"), "other architectures keep OpenBLAS's choice");
    }

    @Test
    void avx2KernelsGiveWayToWideJavaVectors() {
        for (String core : new String[] {"Haswell", "Zen", "haswell"}) {
            assertTrue(Sgemm.narrowerThanJava(core), core);
        }
        for (String core : new String[] {"SkylakeX", "Cooperlake", "SapphireRapids"}) {
            assertFalse(Sgemm.narrowerThanJava(core), core);
        }
    }

    @Test
    void theBundledOpenBlasOrThePackedJavaKernelRunsLargeProductsAndTheInPlaceKernelSmallOnes() {
        Sgemm s = Sgemm.choose("true", "amd64", NativeBlas::load, warnings::add);
        // Where OpenBLAS mis-detects this CPU the choice is Java, with a warning; where its kernels are AVX2 and
        // Java's vectors 512 bits wide, Java without one; otherwise OpenBLAS.
        boolean trusted = warnings.isEmpty();
        boolean javaWider = PackedSgemm.wideVectors() && Sgemm.narrowerThanJava(NativeBlas.load().coreName());
        boolean openblas = trusted && !javaWider;
        assertEquals(openblas, s.isNative(512, 512, 512));
        assertEquals(!openblas, s.isPacked(512, 512, 512));
        assertTrue(s.isLarge(512, 512, 512));
        assertFalse(s.isLarge(128, 128, 128));
        assertEquals(openblas, s.isNative(100, 400, 640), "a text-CNN convolution's forward product: every dim wide");
        assertEquals(openblas, s.isNative(640, 400, 100), "and its data gradient's");
        assertFalse(s.isNative(64, 400, 640), "a dim below 96 keeps the Java kernel under 2^25 multiply-adds");
        assertFalse(s.isNative(96, 96, 96), "as do wide products under 2^22");
        assertEquals(openblas, s.isNativeNT(64, 64, 64));
        assertFalse(s.isNativeNT(6, 25, 6272), "LeNet C1's filter gradient: the Java kernel wins");
        assertEquals(!openblas, s.isPackedNT(64, 64, 64));
        assertFalse(s.isPackedNT(16, 150, 6400), "16 rows: the dot-product kernel wins");
        assertFalse(s.isPackedNT(6, 25, 6272));
        assertEquals(openblas, s.description().startsWith("OpenBLAS "), s.description());
        assertEquals(trusted && javaWider, s.description().contains("which use AVX2 on this AVX-512 CPU"),
                s.description());
    }

    @Test
    void oneDnnRunsEveryProductFrom40000MultiplyAddsInEveryLayout() {
        Sgemm s = Sgemm.withNative(OneDnn.load());
        assertTrue(s.isNative(64, 64, 64) && s.isNative(64, 10, 84) && s.isNative(6, 784, 25),
                "a LeNet output layer's and a skinny product from 40,000 multiply-adds");
        assertTrue(s.isNativeNT(64, 10, 84), "A·Bᵀ with n below 32 too");
        assertFalse(s.isNative(32, 32, 32) || s.isNative(64, 16, 16) || s.isNativeNT(32, 32, 32),
                "at 32³ and below the Java kernels are faster");
        assertTrue(s.description().startsWith("oneDNN ") && s.description().contains("from 40,000 multiply-adds"),
                s.description());
    }
}
