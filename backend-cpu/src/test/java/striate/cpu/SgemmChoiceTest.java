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
    void theBundledOpenBlasIsUsedAboveTheThresholdAndJavaBelow() {
        Sgemm s = Sgemm.choose("true", "amd64", NativeBlas::load, warnings::add);
        // Where OpenBLAS mis-detects this CPU the choice is the Java kernel, with a warning; otherwise native.
        boolean trusted = warnings.isEmpty();
        assertEquals(trusted, s.isNative(512, 512, 512));
        assertFalse(s.isNative(128, 128, 128));
        assertEquals(trusted, s.isNativeNT(64, 64, 64));
        assertFalse(s.isNativeNT(6, 25, 6272), "LeNet C1's filter gradient: the Java kernel wins");
        assertEquals(trusted, s.description().startsWith("OpenBLAS "), s.description());
    }
}
