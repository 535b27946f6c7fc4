package striate.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The demos the CLI runs: names, transcripts, and the error for an unknown name. */
class ClassicsTest {
    private static String run(String name) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Classics.run(name, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void names() {
        assertEquals(List.of("and", "or", "nand", "xor-perceptron", "hebb", "delta", "xor", "backprop"),
                Classics.names());
    }

    @Test
    void separableGatesConvergeAndXorDoesNot() {
        for (String gate : List.of("and", "or", "nand")) {
            String out = run(gate);
            assertTrue(out.contains("all 4 patterns correct") && !out.contains("wrong"), out);
        }
        String xor = run("xor-perceptron");
        assertTrue(xor.contains("did not converge in 1000 epochs") && xor.contains("wrong"), xor);
    }

    @Test
    void hebbAndDeltaPrintCorrectTruthTables() {
        String hebb = run("hebb");
        // The Hebb weights by hand: AND (2, 2) b −2; OR (2, 2) b 2.
        assertTrue(hebb.contains("w = (2.0, 2.0), b = -2.0, misclassified 0"), hebb);
        assertTrue(hebb.contains("w = (2.0, 2.0), b = 2.0, misclassified 0"), hebb);
        String delta = run("delta");
        assertTrue(delta.contains("epoch  300  mse") && !delta.contains("wrong"), delta);
    }

    @Test
    void xorMlpSucceeds() {
        String out = run("xor");
        assertTrue(out.contains("XOR learned: all 4 patterns correct"), out);
    }

    @Test
    void backprop() {
        String out = run("backprop");
        assertTrue(out.matches("(?s).*out_o1\\s+0\\.751365070\\s+0\\.75136507\\d.*"), out);
        assertTrue(out.contains("float64 matches the article to 1e-6"), out);
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run("nope"));
        assertTrue(e.getMessage().contains("unknown demo 'nope'") && e.getMessage().contains("xor-perceptron, hebb"),
                e.getMessage());
    }
}
