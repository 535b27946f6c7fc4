package striate.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Nearest words by cosine on vectors made by hand: similar leaves the word itself out and ranks by angle, not
 * length; analogy answers b − a + c with a, b and c left out; an unknown word is one line naming it.
 */
class NeighboursTest {
    // 2-d vectors: a "gender" axis x and a "royalty" axis y, lengths varied on purpose
    private static final WordVectors V = WordVectors.of(List.of("man", "woman", "king", "queen", "apple", "zero"), 2,
            new float[] {1, 0, -3, 0, 2, 2, -1, 1.1f, 0.2f, -5, 0, 0});

    @Test
    void similarRanksByAngleAndLeavesTheWordOut() {
        List<Neighbours.Neighbour> n = new Neighbours(V).similar("man", 3);
        assertEquals(List.of("king", "apple", "zero"), n.stream().map(Neighbours.Neighbour::word).toList());
        assertEquals((float) (1 / Math.sqrt(2)), n.get(0).similarity(), 1e-6f);
        assertEquals(6 - 1, new Neighbours(V).similar("man", 10).size(), "all the others, no more");
    }

    @Test
    void analogyAnswersBMinusAPlusC() {
        // man is to woman as king is to ? : woman − man + king points up and to the left, where queen is
        List<Neighbours.Neighbour> n = new Neighbours(V).analogy("man", "woman", "king", 2);
        assertEquals("queen", n.get(0).word());
        assertTrue(n.stream().noneMatch(x -> List.of("man", "woman", "king").contains(x.word())));
    }

    @Test
    void anUnknownWordIsOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Neighbours(V).analogy("man", "prince", "king", 2));
        assertTrue(e.getMessage().startsWith("'prince' is not in the vocabulary of the vectors (6 words)"),
                e.getMessage());
    }
}
