package striate.text;

/**
 * The original word2vec tool's random numbers: the linear congruential generator
 * {@code next = next · 25214903917 + 11} over 64-bit unsigned integers. One per training thread, never shared, so
 * a single-thread run started from the same seed draws the same numbers in the same order.
 */
final class Lcg {
    private long state;

    Lcg(long seed) {
        state = seed;
    }

    /** The next state, all 64 bits (read as unsigned where the tool takes a remainder). */
    long next() {
        state = state * 25214903917L + 11;
        return state;
    }

    /** A uniform float in [0, 1) from the low 16 bits of the next state, as the tool draws them. */
    float nextUniform() {
        return (next() & 0xFFFF) / 65536f;
    }
}
