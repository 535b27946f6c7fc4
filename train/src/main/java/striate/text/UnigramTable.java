package striate.text;

/**
 * The negative-sampling table of the original tool: word w fills a share count(w)^0.75 / Σ count^0.75 of the
 * table's entries, in id order, so an entry picked uniformly is a word drawn from the unigram distribution raised
 * to the 3/4 power (Mikolov et al. 2013, "Distributed Representations of Words and Phrases"). The tool's table
 * holds 10^8 entries (400 MB of ints, a cache miss per draw, and a loop over every entry to fill it); since it is
 * runs of ids in order, we work out where each word's run starts (per word, with the tool's own comparisons), keep a
 * small index of which word holds the start of each bucket of 2^k entries, and look entries up there: the same word
 * for every entry as the tool's table, in a few kilobytes per thousand words.
 */
final class UnigramTable {
    static final double POWER = 0.75;
    private final int size;
    private final int[] first; // [V + 1] the first entry of each word's run; first[V] = size
    private final int[] bucketWord; // [buckets] the word at entry b << shift
    private final int shift;

    UnigramTable(long[] counts, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("unigram table size must be >= 1, got " + size);
        }
        this.size = size;
        int v = counts.length;
        first = new int[v + 1];
        double total = 0;
        for (long c : counts) {
            total += Math.pow(c, POWER);
        }
        // the tool's loop gives entry a to word w and moves on to w + 1 after the first a (at or past w's first
        // entry) with a / size > upTo(w), the running share of words 0 .. w; found here per word, not per entry
        int w = 0;
        double upTo = Math.pow(counts[0], POWER) / total;
        while (w < v - 1) {
            long a = Math.max(first[w], lastAtOrBelow(upTo, size) + 1);
            if (a >= size) {
                break;
            }
            w++;
            first[w] = (int) a + 1;
            upTo += Math.pow(counts[w], POWER) / total;
        }
        for (int u = w + 1; u <= v; u++) {
            first[u] = size; // words the table never reaches, and the end of the last run
        }
        int s = 0;
        while (s < 30 && (size >>> s) > 16L * v) {
            s++;
        }
        shift = s;
        bucketWord = new int[(int) (((long) size - 1 >>> s) + 1)];
        int word = 0;
        for (int b = 0; b < bucketWord.length; b++) {
            long entry = (long) b << s;
            while (first[word + 1] <= entry) {
                word++;
            }
            bucketWord[b] = word;
        }
    }

    /** The largest entry a (from −1) with a / size ≤ share, as the tool's double comparison decides it. */
    private static long lastAtOrBelow(double share, int size) {
        long a = (long) Math.floor(share * size);
        while (a + 1 < size && (a + 1) / (double) size <= share) {
            a++;
        }
        while (a >= 0 && a / (double) size > share) {
            a--;
        }
        return a;
    }

    /** The word at the entry that {@code random} (an {@link Lcg} state) picks, as the tool: bits 16 and up. */
    int sample(long random) {
        int a = (int) ((random >>> 16) % size);
        int w = bucketWord[a >>> shift];
        while (first[w + 1] <= a) {
            w++;
        }
        return w;
    }
}
