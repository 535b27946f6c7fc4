package striate.text;

/**
 * The linearly decaying learning rate of the original tool: alpha · (1 − done / (iter · trainWords + 1)), where
 * done counts the words all threads have gone through so far, never below alpha · 1e-4.
 */
record LearningRate(float alpha, long totalWords) {
    /** The rate after {@code done} of the run's {@link #totalWords} words. */
    float at(long done) {
        float a = alpha * (1 - done / (float) (totalWords + 1));
        return Math.max(a, alpha * 0.0001f);
    }

    /** The share of the run done, 0 to 1. */
    double progress(long done) {
        return done / (double) (totalWords + 1);
    }
}
