package striate.text;

/**
 * The negative-sampling table of the original tool: word w fills a share count(w)^0.75 / Σ count^0.75 of the
 * table's entries, in id order, so an entry picked uniformly is a word drawn from the unigram distribution raised
 * to the 3/4 power (Mikolov et al. 2013, "Distributed Representations of Words and Phrases"). The tool's table
 * holds 10^8 entries; the size is the caller's choice here.
 */
final class UnigramTable {
    static final double POWER = 0.75;
    private final int[] table; // [size]

    UnigramTable(long[] counts, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("unigram table size must be >= 1, got " + size);
        }
        table = new int[size];
        double total = 0;
        for (long c : counts) {
            total += Math.pow(c, POWER);
        }
        int w = 0;
        double upTo = Math.pow(counts[0], POWER) / total; // the share of the table words 0 .. w fill
        for (int a = 0; a < size; a++) {
            table[a] = w;
            if (a / (double) size > upTo && w < counts.length - 1) {
                w++;
                upTo += Math.pow(counts[w], POWER) / total;
            }
        }
    }

    int size() {
        return table.length;
    }

    /** The word at the entry that {@code random} (an {@link Lcg} state) picks, as the tool: bits 16 and up. */
    int sample(long random) {
        return table[(int) ((random >>> 16) % table.length)];
    }
}
