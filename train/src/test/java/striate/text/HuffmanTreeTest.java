package striate.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hierarchical-softmax tree: prefix-free codes whose lengths make an optimal Huffman code (the textbook example
 * worked out by hand, and random count lists against a priority-queue Huffman in the test), frequent words' codes
 * no longer than rarer ones', and points that walk from the root (node V − 2) through inner nodes only.
 */
class HuffmanTreeTest {
    /** CLRS's example, sorted by descending count: a 45, d 16, b 13, c 12, e 9, f 5. */
    private static final long[] TEXTBOOK = {45, 16, 13, 12, 9, 5};

    @Test
    void theTextbookExampleGetsItsOptimalCodeLengths() {
        HuffmanTree tree = new HuffmanTree(TEXTBOOK);
        // worked out by hand: f+e=14, c+b=25, 14+d=30, 25+30=55, a+55=100 → a 1 bit, d b c 3 bits, e f 4 bits
        int[] lengths = new int[TEXTBOOK.length];
        for (int w = 0; w < lengths.length; w++) {
            lengths[w] = tree.codeLength(w);
        }
        assertEquals("[1, 3, 3, 3, 4, 4]", Arrays.toString(lengths));
        assertEquals(224, cost(TEXTBOOK, tree), "45·1 + (16 + 13 + 12)·3 + (9 + 5)·4");
        assertPrefixFree(tree, TEXTBOOK.length);
        assertEquals("0", tree.codeString(0), "the root joins a (45, the smaller) and the 55 node; the larger of two "
                + "joined nodes takes branch 1, as in the tool");
    }

    @Test
    void randomCountListsGetOptimalPrefixFreeCodesFrequentWordsShorter() {
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 50; trial++) {
            int v = 2 + random.nextInt(200);
            long[] counts = new long[v];
            for (int i = 0; i < v; i++) {
                counts[i] = 1 + (long) Math.pow(random.nextDouble(), 3) * 100_000;
            }
            Arrays.sort(counts);
            for (int i = 0; i < v / 2; i++) {
                long t = counts[i];
                counts[i] = counts[v - 1 - i];
                counts[v - 1 - i] = t;
            }
            HuffmanTree tree = new HuffmanTree(counts);
            assertEquals(optimalCost(counts), cost(counts, tree), "an optimal code's total length, V = " + v);
            assertPrefixFree(tree, v);
            for (int w = 1; w < v; w++) {
                assertTrue(tree.codeLength(w - 1) <= tree.codeLength(w), "word " + (w - 1) + " (count "
                        + counts[w - 1] + ") has a longer code than word " + w + " (count " + counts[w] + ")");
            }
            for (int w = 0; w < v; w++) {
                assertEquals(v - 2, tree.point(tree.start(w)), "every path starts at the root");
                for (int i = tree.start(w); i < tree.start(w) + tree.codeLength(w); i++) {
                    assertTrue(tree.point(i) >= 0 && tree.point(i) <= v - 2, "points are inner nodes 0 .. V - 2");
                }
            }
        }
    }

    @Test
    void twoWordsGetOneBitEachTheLargerBranchOne() {
        HuffmanTree tree = new HuffmanTree(new long[] {7, 3});
        assertEquals("1", tree.codeString(0));
        assertEquals("0", tree.codeString(1));
        assertEquals(0, tree.point(tree.start(1)));
    }

    private static long cost(long[] counts, HuffmanTree tree) {
        long c = 0;
        for (int w = 0; w < counts.length; w++) {
            c += counts[w] * tree.codeLength(w);
        }
        return c;
    }

    /** The total code length of a Huffman code: the sum of all merged weights. */
    private static long optimalCost(long[] counts) {
        PriorityQueue<Long> queue = new PriorityQueue<>();
        for (long c : counts) {
            queue.add(c);
        }
        long cost = 0;
        while (queue.size() > 1) {
            long merged = queue.poll() + queue.poll();
            cost += merged;
            queue.add(merged);
        }
        return cost;
    }

    private static void assertPrefixFree(HuffmanTree tree, int v) {
        for (int a = 0; a < v; a++) {
            for (int b = 0; b < v; b++) {
                if (a != b) {
                    assertFalse(tree.codeString(b).startsWith(tree.codeString(a)), "code of " + a + " '"
                            + tree.codeString(a) + "' is a prefix of the code of " + b + " '" + tree.codeString(b)
                            + "'");
                }
            }
        }
    }
}
