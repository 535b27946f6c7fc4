package striate.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The negative-sampling table: each word fills a share of the entries proportional to count^0.75, and draws
 * through the tool's random numbers pick words with those frequencies.
 */
class UnigramTableTest {
    private static final long[] COUNTS = {120, 5000, 900, 300, 40, 7};

    private static double[] expectedShares() {
        double total = 0;
        for (long c : COUNTS) {
            total += Math.pow(c, 0.75);
        }
        double[] share = new double[COUNTS.length];
        for (int w = 0; w < COUNTS.length; w++) {
            share[w] = Math.pow(COUNTS[w], 0.75) / total;
        }
        return share;
    }

    @Test
    void entriesAreSharedInProportionToCountToTheThreeQuarters() {
        int size = 1_000_000;
        UnigramTable table = new UnigramTable(COUNTS, size);
        int[] entries = new int[COUNTS.length];
        for (int a = 0; a < size; a++) {
            entries[table.sample((long) a << 16)]++;
        }
        double[] share = expectedShares();
        for (int w = 0; w < COUNTS.length; w++) {
            assertEquals(share[w], entries[w] / (double) size, 2.0 / size, "word " + w + " (count " + COUNTS[w]
                    + ")");
        }
    }

    @Test
    void drawsFollowTheSameShares() {
        UnigramTable table = new UnigramTable(COUNTS, 100_000);
        Lcg random = new Lcg(5);
        int n = 400_000;
        int[] drawn = new int[COUNTS.length];
        for (int i = 0; i < n; i++) {
            drawn[table.sample(random.next())]++;
        }
        double[] share = expectedShares();
        for (int w = 0; w < COUNTS.length; w++) {
            double sd = Math.sqrt(share[w] * (1 - share[w]) / n);
            assertEquals(share[w], drawn[w] / (double) n, 5 * sd + 1e-4, "word " + w + " (count " + COUNTS[w] + ")");
        }
    }
}
