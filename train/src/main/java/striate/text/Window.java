package striate.text;

/**
 * The context window with the original tool's random shrink: at each position a shrink b is drawn uniformly from
 * 0 .. window − 1 and the context reaches window − b words each side, so near words weigh more than far ones
 * (a word at distance d is in the context with probability (window − d + 1) / window).
 */
record Window(int window) {
    Window {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1, got " + window);
        }
    }

    /** How far this position's context reaches, 1 .. window: one draw from {@code random}, as the tool. */
    int reach(Lcg random) {
        return window - (int) Long.remainderUnsigned(random.next(), window);
    }
}
