package striate.bench;

/** The check every benchmark runs before timing: its result against the reference backend's. */
final class Agreement {
    private Agreement() {
    }

    /**
     * Fails unless |got − want| ≤ atol + rtol·|want| everywhere, naming the benchmark, the first bad index and
     * both values.
     */
    static void assertClose(String what, float[] want, float[] got, double rtol, double atol) {
        if (want.length != got.length) {
            throw new IllegalStateException(what + ": " + got.length + " values, the reference has " + want.length);
        }
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(got[i] - want[i]) <= atol + rtol * Math.abs(want[i]))) {
                throw new IllegalStateException(what + " disagrees with the reference backend at index " + i
                        + ": reference " + want[i] + ", got " + got[i]);
            }
        }
    }
}
