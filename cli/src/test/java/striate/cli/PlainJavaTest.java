package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A user's plain {@code java} (no --add-modules jdk.incubator.vector) still runs the command line: it prints a
 * one-line notice and computes with the scalar kernels. Runs Main in a child JVM with this test's class path and
 * none of Surefire's flags.
 */
class PlainJavaTest {
    @Test
    void withoutTheVectorModuleItWarnsOnceAndStillComputes() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "summary", "lenet5")).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM finished");
        // summary runs a forward pass on the CPU backend: convolutions, pooling and GEMM without the Vector API.
        assertEquals(0, p.exitValue(), out);
        assertEquals(1, out.lines().filter(l -> l.contains("jdk.incubator.vector is not present")).count(), out);
        assertTrue(out.contains("Total parameters: 61,706"), out);
    }
}
