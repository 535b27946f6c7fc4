package striate.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The window's random shrink: the reach is uniform over 1 .. window, so each distance d is in with (w − d + 1)/w. */
class WindowTest {
    @Test
    void reachIsUniformFromOneToTheWindow() {
        Window window = new Window(5);
        Lcg random = new Lcg(3);
        int n = 100_000;
        int[] seen = new int[6];
        for (int i = 0; i < n; i++) {
            seen[window.reach(random)]++;
        }
        assertEquals(0, seen[0]);
        for (int r = 1; r <= 5; r++) {
            double sd = Math.sqrt(0.2 * 0.8 / n);
            assertEquals(0.2, seen[r] / (double) n, 5 * sd, "reach " + r);
        }
        assertEquals(1, new Window(1).reach(random), "a window of 1 never shrinks");
        assertThrows(IllegalArgumentException.class, () -> new Window(0));
    }
}
