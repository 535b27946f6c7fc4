package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code -Dstriate.cpu.threads}: at most {@link CpuBackend#MAX_THREADS_PER_CORE} per core (100,000 threads hung the
 * start), a whole number, at least 1. The property is set for a moment and put back.
 */
class IntraOpPoolSizeTest {
    private static IntraOpPool withProperty(String value) {
        String before = System.getProperty("striate.cpu.threads");
        System.setProperty("striate.cpu.threads", value);
        try {
            return IntraOpPool.fromSystemProperties();
        } finally {
            if (before == null) {
                System.clearProperty("striate.cpu.threads");
            } else {
                System.setProperty("striate.cpu.threads", before);
            }
        }
    }

    @Test
    void moreThanFourThreadsPerCoreAreRefused() {
        int cores = Runtime.getRuntime().availableProcessors();
        int most = CpuBackend.MAX_THREADS_PER_CORE * cores;
        assertEquals(2, withProperty("2").threads()); // (a pool's threads live on: a small one)
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withProperty(Integer.toString(most + 1)));
        assertTrue(e.getMessage().startsWith("-Dstriate.cpu.threads=" + (most + 1) + " is more than 4 per core"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> withProperty("many"));
        assertThrows(IllegalArgumentException.class, () -> withProperty("0"));
    }
}
