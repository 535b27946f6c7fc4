package striate.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The negative-sampling table: each entry holds the word the tool's own table holds there (built here the tool's
 * way), each word fills a share of the entries proportional to count^0.75, and draws through the tool's random
 * numbers pick words with those frequencies.
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

    /** The tool's InitUnigramTable, entry by entry, as it stores it. */
    private static int[] toolsTable(long[] counts, int size) {
        int[] table = new int[size];
        double total = 0;
        for (long c : counts) {
            total += Math.pow(c, 0.75);
        }
        int i = 0;
        double d1 = Math.pow(counts[0], 0.75) / total;
        for (int a = 0; a < size; a++) {
            table[a] = i;
            if (a / (double) size > d1) {
                i++;
                d1 += i < counts.length ? Math.pow(counts[i], 0.75) / total : 0;
            }
            if (i >= counts.length) {
                i = counts.length - 1;
            }
        }
        return table;
    }

    @Test
    void everyEntryHoldsTheWordOfTheToolsTable() {
        SplittableRandom r = new SplittableRandom(9);
        for (int trial = 0; trial < 40; trial++) {
            long[] counts = new long[2 + r.nextInt(300)];
            for (int w = 0; w < counts.length; w++) {
                counts[w] = 1 + r.nextInt(1 + 100_000 / (w + 1));
            }
            // half the tables smaller than twice the vocabulary: words under one entry, words never reached
            int size = 1 + (trial % 2 == 0 ? r.nextInt(300_000) : r.nextInt(2 * counts.length));
            int[] tool = toolsTable(counts, size);
            UnigramTable table = new UnigramTable(counts, size);
            for (int a = 0; a < size; a++) {
                assertEquals(tool[a], table.sample((long) a << 16), "entry " + a + " of " + size + ", V = "
                        + counts.length);
            }
        }
    }

    @Test
    void aLargeZipfTableMatchesTheToolsEntryByEntry() {
        long[] counts = new long[5000];
        for (int w = 0; w < counts.length; w++) {
            counts[w] = 5 + 60_000 / (w + 1); // Zipf-like, down to min-count 5
        }
        int size = 10_000_000;
        int[] tool = toolsTable(counts, size);
        UnigramTable table = new UnigramTable(counts, size);
        for (int a = 0; a < size; a++) {
            if (tool[a] != table.sample((long) a << 16)) {
                assertEquals(tool[a], table.sample((long) a << 16), "entry " + a);
            }
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
