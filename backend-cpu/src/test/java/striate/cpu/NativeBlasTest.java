package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** OpenBLAS through its FFM downcall: the {@link NativeGemmContract}, and its core type and version. */
class NativeBlasTest extends NativeGemmContract {
    private static NativeBlas blas;

    @BeforeAll
    static void load() {
        blas = NativeBlas.load(); // the linux-x86_64 natives are a dependency: failing to load here is a bug
    }

    @Override
    NativeGemm gemm() {
        return blas;
    }

    @Test
    void reportsItsCoreAndVersion() {
        assertFalse(blas.coreName().isBlank());
        assertTrue(blas.config().startsWith("OpenBLAS " + blas.version() + " "), blas.config());
        assertTrue(blas.describe().startsWith("OpenBLAS " + blas.version() + " (core "), blas.describe());
    }
}
