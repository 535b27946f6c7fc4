package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The vector exp, log, tanh and sigmoid, and the recurrent cells built on them, give the same bits whether the JIT
 * has compiled them or not: a child JVM computes {@link VectorMathBits} interpreted only (-Xint: the Vector API's
 * Java fallback, lane by lane), this JVM after enough calls for C2 to compile it (vector instructions). With the
 * JDK's lanewise(EXP/TANH) the two differ in the last bits.
 */
class VectorMathJitTest {
    /** Calls before the compiled hash is taken: C2 compiles the loops after some hundreds. */
    private static final int WARM_CALLS = 3000;

    @Test
    void interpretedAndCompiledGiveTheSameBits() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xint", "--add-modules", "jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                VectorMathBits.class.getName())).redirectErrorStream(true).start();
        long compiled = 0;
        for (int i = 0; i < WARM_CALLS; i++) {
            compiled = VectorMathBits.hash();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(0, p.exitValue(), out);
        String last = out.strip().lines().reduce((a, b) -> b).orElse("");
        assertEquals(Long.toString(compiled), last, "the interpreted hash (child JVM -Xint) against the compiled one");
    }
}
