package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import striate.op.BinaryFn;
import striate.op.UnaryFn;

/**
 * Both loop sets against the functions' double definitions, element by element, on lengths that leave vector
 * tails and at offsets that are not vector-aligned, on native and heap memory.
 */
class FloatLoopsTest {
    private static final FloatLoops[] LOOPS = {new ScalarFloatLoops(), new VectorFloatLoops()};

    private static MemorySegment random(int n, long seed, boolean heap) {
        Random r = new Random(seed);
        MemorySegment m = heap ? MemorySegment.ofArray(new float[n]) : Arena.ofAuto().allocate(4L * n, 64);
        for (int i = 0; i < n; i++) {
            m.setAtIndex(JAVA_FLOAT, i, i % 13 == 0 ? 0f : (float) (r.nextGaussian() * 3 + 0.2));
        }
        return m;
    }

    /** Exact (0 ulps) but for the transcendental functions of VectorMath (within 2 of the exact value). */
    private static float ulps(UnaryFn fn) {
        return switch (fn) {
            case EXP, LOG, TANH, SIGMOID, ERF -> 2;
            default -> 0;
        };
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 17, 33, 1025})
    void unaryAndAffineGiveTheRoundedDefinition(int n) {
        for (FloatLoops loops : LOOPS) {
            for (boolean heap : new boolean[] {false, true}) {
                MemorySegment x = random(n + 3, n, heap);
                MemorySegment y = Arena.ofAuto().allocate(4L * (n + 5));
                for (UnaryFn fn : UnaryFn.values()) {
                    loops.unary(fn, x, 3, y, 5, n);
                    for (int i = 0; i < n; i++) {
                        float want = (float) fn.apply(x.getAtIndex(JAVA_FLOAT, 3 + i));
                        float got = y.getAtIndex(JAVA_FLOAT, 5 + i);
                        if (Float.isNaN(want) || Float.isInfinite(want)) {
                            assertEquals(want, got, loops + " " + fn + " at " + i); // LOG and SQRT of x < 0, LOG 0
                        } else {
                            assertEquals(want, got, ulps(fn) * Math.ulp(want), loops + " " + fn + " at " + i);
                        }
                    }
                }
                loops.power(3, x, 3, y, 5, n);
                for (int i = 0; i < n; i++) {
                    float want = (float) Math.pow(x.getAtIndex(JAVA_FLOAT, 3 + i), 3);
                    assertEquals(want, y.getAtIndex(JAVA_FLOAT, 5 + i), 0f, loops + " cube at " + i);
                }
                loops.affine(1.5f, -0.25f, x, 3, y, 5, n);
                for (int i = 0; i < n; i++) {
                    float want = 1.5f * x.getAtIndex(JAVA_FLOAT, 3 + i) - 0.25f;
                    assertEquals(want, y.getAtIndex(JAVA_FLOAT, 5 + i), Math.ulp(want), loops + " affine at " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 17, 33, 1025})
    void binaryGivesTheRoundedDefinitionWithAndWithoutBroadcast(int n) {
        for (FloatLoops loops : LOOPS) {
            MemorySegment a = random(n + 1, 2L * n, false);
            MemorySegment b = random(n + 2, 3L * n, true);
            MemorySegment y = Arena.ofAuto().allocate(4L * n);
            for (BinaryFn fn : BinaryFn.values()) {
                for (boolean one : new boolean[] {false, true}) {
                    loops.binary(fn, a, 1, b, 2, one, y, 0, n);
                    for (int i = 0; i < n; i++) {
                        double bv = b.getAtIndex(JAVA_FLOAT, one ? 2 : 2 + i);
                        float want = (float) fn.apply(a.getAtIndex(JAVA_FLOAT, 1 + i), bv);
                        boolean inFloat = fn == BinaryFn.TANH_BACKWARD || fn == BinaryFn.SIGMOID_BACKWARD;
                        assertEquals(want, y.getAtIndex(JAVA_FLOAT, i), inFloat ? 4 * Math.ulp(want) : 0f,
                                loops + " " + fn + " one=" + one + " at " + i);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 17, 33, 1025})
    void whereTakesATheBOrTheOneValues(int n) {
        for (FloatLoops loops : LOOPS) {
            for (boolean heap : new boolean[] {false, true}) {
                MemorySegment c = random(n + 1, 7L * n, heap); // every 13th element is 0, so both sides are taken
                c.setAtIndex(JAVA_FLOAT, 1 + n / 2, Float.NaN); // NaN ≠ 0: takes a
                MemorySegment a = random(n + 2, 8L * n, false);
                MemorySegment b = random(n + 3, 9L * n, heap);
                MemorySegment y = Arena.ofAuto().allocate(4L * n);
                for (int ones = 0; ones < 8; ones++) {
                    boolean cOne = (ones & 1) != 0;
                    boolean aOne = (ones & 2) != 0;
                    boolean bOne = (ones & 4) != 0;
                    loops.where(c, 1, cOne, a, 2, aOne, b, 3, bOne, y, 0, n);
                    for (int i = 0; i < n; i++) {
                        float ci = c.getAtIndex(JAVA_FLOAT, cOne ? 1 : 1 + i);
                        float want = ci != 0 ? a.getAtIndex(JAVA_FLOAT, aOne ? 2 : 2 + i)
                                : b.getAtIndex(JAVA_FLOAT, bOne ? 3 : 3 + i);
                        assertEquals(want, y.getAtIndex(JAVA_FLOAT, i), 0f,
                                loops + " heap=" + heap + " ones=" + ones + " at " + i);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 17, 33, 1025})
    void biasReluAddsTheBiasThenClampsInPlace(int n) {
        for (FloatLoops loops : LOOPS) {
            for (boolean heap : new boolean[] {false, true}) {
                for (boolean relu : new boolean[] {false, true}) {
                    MemorySegment x = random(n + 3, 5L * n, heap);
                    x.setAtIndex(JAVA_FLOAT, 3 + n / 2, Float.NaN);
                    float[] before = x.toArray(JAVA_FLOAT);
                    loops.biasRelu(-0.75f, relu, x, 3, n);
                    for (int i = 0; i < n + 3; i++) {
                        float v = before[i] - 0.75f;
                        float want = i < 3 ? before[i] : relu ? (float) UnaryFn.RELU.apply(v) : v;
                        assertEquals(want, x.getAtIndex(JAVA_FLOAT, i), 0f, loops + " relu=" + relu + " at " + i);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 17, 49, 196})
    void sumRowsAddsEveryRunOfTheStrideAndNothingBetween(int n) {
        for (FloatLoops loops : LOOPS) {
            for (boolean heap : new boolean[] {false, true}) {
                int rows = 5;
                long stride = 3L * n + 5; // runs of n with gaps between them, which must not be added
                MemorySegment x = random((int) (2 + rows * stride), 11L * n, heap);
                double want = 0;
                for (int r = 0; r < rows; r++) {
                    for (int i = 0; i < n; i++) {
                        want += x.getAtIndex(JAVA_FLOAT, 2 + r * stride + i);
                    }
                }
                String at = loops + " n=" + n + " heap=" + heap;
                double got = loops.sumRows(x, 2, n, rows, stride);
                assertEquals(want, got, 1e-12 * (1 + rows * n), at);
                assertEquals(got, loops.sumRows(x, 2, n, rows, stride), 0, at + ": the same bits again");
                assertEquals(loops.sum(x, 2, n), loops.sumRows(x, 2, n, 1, stride), 1e-12 * (1 + n), at + ": one row");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 17, 49, 196})
    void batchNormChannelSumsCoverEachChannelsRunsAndNothingBetween(int n) {
        for (FloatLoops loops : LOOPS) {
            for (boolean heap : new boolean[] {false, true}) {
                int rows = 5;
                int channels = 3;
                long stride = (long) channels * n + 5; // each row: the channels' runs side by side, then a gap
                MemorySegment x = random((int) (2 + rows * stride), 13L * n, heap);
                MemorySegment dy = random((int) (4 + rows * stride), 17L * n, !heap);
                double[] means = {0.75, -0.25, 0};
                double[] sums = new double[channels];
                double[] squares = new double[channels];
                double[] dySums = new double[channels];
                double[] dots = new double[channels];
                loops.channelSums(x, 2, n, rows, stride, channels, sums);
                loops.channelSquaresAbout(means, x, 2, n, rows, stride, channels, squares);
                loops.channelSumsAndDotsAbout(means, dy, 4, x, 2, n, rows, stride, channels, dySums, dots);
                for (int j = 0; j < channels; j++) {
                    double sum = 0;
                    double square = 0;
                    double dySum = 0;
                    double dot = 0;
                    for (int r = 0; r < rows; r++) {
                        for (int i = 0; i < n; i++) {
                            long at = r * stride + (long) j * n + i;
                            double v = x.getAtIndex(JAVA_FLOAT, 2 + at);
                            double g = dy.getAtIndex(JAVA_FLOAT, 4 + at);
                            sum += v;
                            square += (v - means[j]) * (v - means[j]);
                            dySum += g;
                            dot += g * (v - means[j]);
                        }
                    }
                    String at = loops + " n=" + n + " heap=" + heap + " channel " + j;
                    assertEquals(sum, sums[j], 1e-12 * (1 + rows * n), at + " sum");
                    assertEquals(square, squares[j], 1e-12 * (1 + square), at + " squares");
                    assertEquals(dySum, dySums[j], 1e-12 * (1 + rows * n), at + " dy sum");
                    assertEquals(dot, dots[j], 1e-12 * (1 + Math.abs(square)), at + " dot");
                }
                double[] again = new double[channels];
                loops.channelSquaresAbout(means, x, 2, n, rows, stride, channels, again);
                assertArrayEquals(squares, again, loops + " n=" + n + ": the same bits again");
                loops.channelSums(x, 2 + n, n, rows, stride, 1, again);
                assertEquals(sums[1], again[0], 0, loops + " n=" + n + ": a channel's sum alone, the same bits");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 8, 17, 33, 1025})
    void normalizeAndItsBackwardGiveTheDefinitionWithinAFewUlps(int n) {
        for (FloatLoops loops : LOOPS) {
            for (boolean heap : new boolean[] {false, true}) {
                MemorySegment x = random(n + 3, 19L * n, heap);
                MemorySegment dy = random(n + 1, 23L * n, heap);
                MemorySegment y = Arena.ofAuto().allocate(4L * (n + 5));
                String at = loops + " n=" + n + " heap=" + heap;
                loops.normalize(0.5f, 1.25f, -0.375f, x, 3, y, 5, n);
                for (int i = 0; i < n; i++) {
                    double want = (x.getAtIndex(JAVA_FLOAT, 3 + i) - 0.5) * 1.25 - 0.375;
                    assertEquals(want, y.getAtIndex(JAVA_FLOAT, 5 + i), 4 * Math.ulp((float) (Math.abs(want) + 1)),
                            at + " normalize at " + i);
                }
                loops.normalizeBackward(0.75f, dy, 1, -0.375f, x, 3, 0.5f, 0.125f, y, 5, n);
                for (int i = 0; i < n; i++) {
                    double want = 0.75 * dy.getAtIndex(JAVA_FLOAT, 1 + i) - 0.375 * (x.getAtIndex(JAVA_FLOAT, 3 + i) - 0.5)
                            + 0.125;
                    assertEquals(want, y.getAtIndex(JAVA_FLOAT, 5 + i), 4 * Math.ulp((float) (Math.abs(want) + 8)),
                            at + " normalize backward at " + i);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 17, 33, 1025})
    void sumMaxAndAccumulateMatchTheirDefinitionsInDouble(int n) {
        for (FloatLoops loops : LOOPS) {
            for (boolean heap : new boolean[] {false, true}) {
                MemorySegment x = random(n + 3, 7L * n, heap);
                double sum = 0;
                double max = Double.NEGATIVE_INFINITY;
                double[] acc = new double[n + 2];
                double[] accMax = new double[n + 2];
                java.util.Arrays.fill(accMax, 0.5);
                for (int i = 0; i < n; i++) {
                    sum += x.getAtIndex(JAVA_FLOAT, 3 + i);
                    max = Math.max(max, x.getAtIndex(JAVA_FLOAT, 3 + i));
                    acc[2 + i] = 1;
                }
                double[] wantAcc = acc.clone();
                double[] wantMax = accMax.clone();
                for (int i = 0; i < n; i++) {
                    wantAcc[2 + i] += x.getAtIndex(JAVA_FLOAT, 3 + i);
                    wantMax[2 + i] = Math.max(0.5, x.getAtIndex(JAVA_FLOAT, 3 + i));
                }
                String at = loops + " n=" + n + " heap=" + heap;
                assertEquals(sum, loops.sum(x, 3, n), 1e-12 * (1 + n), at);
                assertEquals(sum, loops.sum(x, 3, n), 1e-12 * (1 + n), at);
                assertEquals(max, loops.max(x, 3, n), 0, at);
                loops.accumulate(false, x, 3, acc, 2, n);
                loops.accumulate(true, x, 3, accMax, 2, n);
                org.junit.jupiter.api.Assertions.assertArrayEquals(wantAcc, acc, 0, at);
                org.junit.jupiter.api.Assertions.assertArrayEquals(wantMax, accMax, 0, at);
                if (n > 0) {
                    x.setAtIndex(JAVA_FLOAT, 3 + n - 1, Float.NaN);
                    assertEquals(Double.NaN, loops.max(x, 3, n), at + ": NaN wins");
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 7, 8, 17, 33, 1025})
    void nextNonzeroVisitsEveryNonzeroInOrderAndNothingElse(int n) {
        for (FloatLoops loops : LOOPS) {
            for (boolean heap : new boolean[] {false, true}) {
                MemorySegment x = heap ? MemorySegment.ofArray(new float[n + 5])
                        : Arena.ofAuto().allocate(4L * (n + 5), 64);
                Random r = new Random(n);
                for (int i = 0; i < n + 5; i++) {
                    int kind = r.nextInt(40);
                    float v = kind == 0 ? Float.NaN : kind == 1 ? -0f : kind < 5 ? r.nextFloat() - 2 : 0f;
                    x.setAtIndex(JAVA_FLOAT, i, v);
                }
                x.setAtIndex(JAVA_FLOAT, 2, 1f); // before the range: never visited
                x.setAtIndex(JAVA_FLOAT, 3 + n, 1f); // after it
                java.util.List<Integer> want = new java.util.ArrayList<>();
                for (int t = 0; t < n; t++) {
                    if (x.getAtIndex(JAVA_FLOAT, 3 + t) != 0) { // NaN counts, −0 does not
                        want.add(t);
                    }
                }
                java.util.List<Integer> got = new java.util.ArrayList<>();
                for (int t = loops.nextNonzero(x, 3, 0, n); t < n; t = loops.nextNonzero(x, 3, t + 1, n)) {
                    got.add(t);
                }
                assertEquals(want, got, loops + " n=" + n + " heap=" + heap);
                assertEquals(n, loops.nextNonzero(x, 3, n, n), "an empty range ends at once");
            }
        }
    }
}
