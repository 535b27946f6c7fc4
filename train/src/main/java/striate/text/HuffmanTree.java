package striate.text;

/**
 * The Huffman tree of hierarchical softmax, built as the original tool's CreateBinaryTree builds it from counts
 * sorted by descending count (a {@link Vocab}'s order): two queues, the leaves from the rarest up and the inner
 * nodes as they are made, each step joining the two smallest (the second one's branch is 1). Each word gets its
 * code (the branches from the root down to its leaf) and its points (the inner nodes on that path, root first,
 * numbered 0 .. V − 2; node V − 2 is the root). Frequent words get short codes. Codes and points are stored flat:
 * word w's are at {@code start(w) .. start(w + 1) − 1}.
 */
final class HuffmanTree {
    private final int[] start; // [V + 1]
    private final byte[] code; // [total code length]
    private final int[] point; // [total code length]

    HuffmanTree(long[] counts) {
        int v = counts.length;
        if (v < 2) {
            throw new IllegalArgumentException("a Huffman tree needs at least 2 words, got " + v);
        }
        long[] count = new long[2 * v - 1];
        int[] parent = new int[2 * v - 1];
        byte[] branch = new byte[2 * v - 1];
        System.arraycopy(counts, 0, count, 0, v);
        for (int i = v; i < count.length; i++) {
            count[i] = Long.MAX_VALUE;
        }
        int leaf = v - 1; // the rarest leaf not yet joined
        int inner = v; // the smallest inner node not yet joined
        for (int a = 0; a < v - 1; a++) {
            int min1;
            if (leaf >= 0 && count[leaf] < count[inner]) {
                min1 = leaf--;
            } else {
                min1 = inner++;
            }
            int min2;
            if (leaf >= 0 && count[leaf] < count[inner]) {
                min2 = leaf--;
            } else {
                min2 = inner++;
            }
            count[v + a] = count[min1] + count[min2];
            parent[min1] = v + a;
            parent[min2] = v + a;
            branch[min2] = 1;
        }
        int root = 2 * v - 2;
        start = new int[v + 1];
        for (int w = 0; w < v; w++) {
            int length = 0;
            for (int n = w; n != root; n = parent[n]) {
                length++;
            }
            start[w + 1] = start[w] + length;
        }
        code = new byte[start[v]];
        point = new int[start[v]];
        for (int w = 0; w < v; w++) {
            // walk up from the leaf, writing from the end so the codes read root first
            int i = start[w + 1] - 1;
            for (int n = w; n != root; n = parent[n]) {
                code[i] = branch[n];
                point[i] = parent[n] - v;
                i--;
            }
        }
    }

    /** Where word {@code w}'s code and points begin in {@link #code} and {@link #point}. */
    int start(int w) {
        return start[w];
    }

    int codeLength(int w) {
        return start[w + 1] - start[w];
    }

    /** Branch {@code i} of the flat code array: 0 or 1. */
    int code(int i) {
        return code[i];
    }

    /** Inner node {@code i} of the flat point array, 0 .. V − 2. */
    int point(int i) {
        return point[i];
    }

    /** Word {@code w}'s code as a string of 0s and 1s, root first. */
    String codeString(int w) {
        StringBuilder s = new StringBuilder();
        for (int i = start[w]; i < start[w + 1]; i++) {
            s.append(code[i]);
        }
        return s.toString();
    }
}
