package striate.gan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.tensor.Rng;

/** The collapse rules step by step: non-finite losses, a discriminator that has won, near-identical samples. */
class CollapseTest {

    @Test
    void nonFiniteLossesStopAtOnce() {
        Collapse c = new Collapse(true, 0);
        assertNull(c.add(1.3, 0.7, true));
        assertTrue(c.add(Double.NaN, Double.NaN, false).contains("discriminator's loss became NaN"));
        assertTrue(new Collapse(false, 0).add(-0.2, Double.POSITIVE_INFINITY, true)
                .contains("generator's loss became Infinity"));
        assertNull(new Collapse(false, 0).add(-0.2, Double.NaN, false), "no G step, no G loss to check");
    }

    @Test
    void aDiscriminatorLossNearZeroForTheWholePatienceStops() {
        Collapse c = new Collapse(true, 0);
        for (int i = 1; i < Collapse.PATIENCE; i++) {
            assertNull(c.add(1e-4, 9, true), "step " + i);
        }
        assertNull(c.add(0.5, 2, true), "a higher loss starts the count again");
        assertEquals(0, c.lowSteps());
        for (int i = 1; i < Collapse.PATIENCE; i++) {
            assertNull(c.add(1e-4, 9, true));
        }
        String why = c.add(1e-4, 9, true);
        assertTrue(why != null && why.contains("discriminator has won") && why.contains("200 steps"), why);
        Collapse resumed = new Collapse(true, Collapse.PATIENCE - 1); // the count survives a checkpoint
        assertTrue(resumed.add(1e-4, 9, true) != null);
        Collapse critic = new Collapse(false, 0);
        for (int i = 0; i < 2 * Collapse.PATIENCE; i++) {
            assertNull(critic.add(-5, 3, true), "a Wasserstein critic's loss may go anywhere");
        }
    }

    @Test
    void nearIdenticalSamplesAreACollapse() {
        Rng rng = new Rng(2);
        int n = 16;
        float[] same = new float[n * 784];
        float[] varied = new float[n * 784];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < 784; p++) {
                same[i * 784 + p] = (float) (Math.sin(p) * 0.8 + rng.nextGaussian() * 0.005);
                varied[i * 784 + p] = (float) Math.tanh(rng.nextGaussian());
            }
        }
        String why = Collapse.samples(same, n);
        assertTrue(why != null && why.contains("collapsed"), why);
        assertNull(Collapse.samples(varied, n));
    }
}
