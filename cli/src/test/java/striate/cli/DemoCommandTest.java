package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code striate demo}: lists the demos, runs one end to end, and treats an unknown name as a usage error
 * (exit 2). The demos print to System.out, so each run captures it for the duration.
 */
class DemoCommandTest {
    /** One run's exit code, the command's streams, and what went to System.out. */
    record Result(int code, String out, String err, String stdout) {
    }

    private static synchronized Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream original = System.out;
        int code;
        try (PrintStream capture = new PrintStream(stdout, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        } finally {
            System.setOut(original);
        }
        return new Result(code, out.toString(), err.toString(), stdout.toString(StandardCharsets.UTF_8));
    }

    @Test
    void listsTheDemosWithoutAName() {
        Result r = run("demo");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("demos: and, or, nand, xor-perceptron, hebb, delta, xor, backprop"), r.out());
    }

    @Test
    void xorLearnsAllFourPatterns() {
        Result r = run("demo", "xor");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.stdout().contains("XOR learned: all 4 patterns correct"), r.stdout());
    }

    @Test
    void backpropPrintsTheArticleNumbers() {
        Result r = run("demo", "backprop");
        assertEquals(0, r.code(), r.err());
        // Mazur's published values, next to ours computed in float64 (to 9 decimals).
        assertTrue(r.stdout().matches("(?s).*out_h1\\s+0\\.593269992\\s+0\\.59326999\\d.*"), r.stdout());
        assertTrue(r.stdout().matches("(?s).*E_total\\s+0\\.298371109\\s+0\\.29837110\\d.*"), r.stdout());
        assertTrue(r.stdout().matches("(?s).*w5 after\\s+0\\.358916480\\s+0\\.35891648\\d.*"), r.stdout());
        assertTrue(r.stdout().contains("float64 matches the article to 1e-6"), r.stdout());
    }

    @Test
    void unknownDemoIsAUsageError() {
        Result r = run("demo", "nope");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown demo 'nope'; known demos: and, or, nand"), r.err());
        assertEquals("", r.stdout());
    }
}
