package striate.text;

/**
 * The original tool's sigmoid lookup table: 1000 values of σ(x) for x evenly spaced on [−6, 6) (MAX_EXP 6), read
 * for f in (−6, 6) at index ⌊(f + 6) · 83⌋. The factor 83 is the tool's integer division 1000 / 6 / 2; the
 * table's own spacing is 1000 / 12 = 83.3 per unit, so a read lands on σ(0.996·f − 0.024) at most one step below:
 * we keep that, so both tools take the same steps. Callers handle |f| ≥ 6 themselves (the losses skip or clip).
 */
final class SigmoidTable {
    static final float MAX_EXP = 6;
    private static final int SIZE = 1000;
    private static final int STEPS_PER_UNIT = SIZE / (int) MAX_EXP / 2; // 83, an integer as in the tool
    private final float[] table = new float[SIZE];

    SigmoidTable() {
        for (int i = 0; i < SIZE; i++) {
            float e = (float) Math.exp((i / (float) SIZE * 2 - 1) * MAX_EXP);
            table[i] = e / (e + 1);
        }
    }

    /** σ(f) from the table, for −6 < f < 6. */
    float sigmoid(float f) {
        return table[(int) ((f + MAX_EXP) * STEPS_PER_UNIT)];
    }
}
