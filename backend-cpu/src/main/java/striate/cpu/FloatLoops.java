package striate.cpu;

import java.lang.foreign.MemorySegment;
import striate.op.BinaryFn;
import striate.op.UnaryFn;

/**
 * The inner loops of the elementwise and reduction kernels, straight on float32 memory segments (offsets in elements), so a
 * kernel reads its input where it lies and writes its output in place, with no copy through Java arrays. Output
 * and input may be the same memory. {@link #best} picks the Vector API loops when the JVM has the module, else
 * plain loops. The plain loops give each element the float of the function computed in double (the reference's
 * definition); the vector loops match that exactly for the piecewise-linear functions, SQRT and +, −, ×, ÷, and
 * within a few ulps for EXP, LOG, TANH, SIGMOID and the tanh and sigmoid gradients.
 */
interface FloatLoops {
    /** y[yi + t] = fn(x[xi + t]) for t in [0, n). */
    void unary(UnaryFn fn, MemorySegment x, long xi, MemorySegment y, long yi, int n);

    /** y[yi + t] = scale · x[xi + t] + shift for t in [0, n). */
    void affine(float scale, float shift, MemorySegment x, long xi, MemorySegment y, long yi, int n);

    /** y[yi + t] = x[xi + t] ^ exponent for t in [0, n), in double and rounded. */
    void power(double exponent, MemorySegment x, long xi, MemorySegment y, long yi, int n);

    /**
     * y[yi + t] = fn(a[ai + t], b[bi + t]) for t in [0, n), or fn(a[ai + t], b[bi]) when {@code bOne} (b holds one
     * value for the whole run: a scalar, or a channel's bias).
     */
    void binary(BinaryFn fn, MemorySegment a, long ai, MemorySegment b, long bi, boolean bOne, MemorySegment y,
                long yi, int n);

    /**
     * y[yi + t] = c[ci + t] ≠ 0 ? a[ai + t] : b[bi + t] for t in [0, n); with {@code cOne}, {@code aOne} or
     * {@code bOne} that operand is the one value at its offset for the whole run (a gradient's zero).
     */
    void where(MemorySegment c, long ci, boolean cOne, MemorySegment a, long ai, boolean aOne, MemorySegment b,
               long bi, boolean bOne, MemorySegment y, long yi, int n);

    /**
     * y[yi + t] = y[yi + t] + bias, then max(·, 0) when {@code relu}, in place for t in [0, n): the epilogue a
     * fused convolution applies to one output plane while it is still in cache.
     */
    void biasRelu(float bias, boolean relu, MemorySegment y, long yi, int n);

    /**
     * The sum of x[xi, xi + n) in double, in an order fixed by n (the same inputs give the same bits every call;
     * CpuReduce relies on it for thread-count independence).
     */
    double sum(MemorySegment x, long xi, int n);

    /**
     * The sum in double of {@code rows} runs of n elements, run r at x[xi + r·stride], in an order fixed by rows, n
     * and stride: a batch-norm channel's [n, c, h·w] over n and h·w, with each run of h·w only 49 or 196 long.
     */
    double sumRows(MemorySegment x, long xi, int n, int rows, long stride);

    /** y[yi + t] = x > 0 ? x : slope·x with x = x[xi + t], for t in [0, n): LeakyReLU in float. */
    void leakyRelu(float slope, MemorySegment x, long xi, MemorySegment y, long yi, int n);

    /** dx[dxi + t] = x[xi + t] > 0 ? dy[dyi + t] : slope·dy[dyi + t] for t in [0, n): LeakyReLU's gradient in float. */
    void leakyReluBackward(float slope, MemorySegment dy, long dyi, MemorySegment x, long xi, MemorySegment dx,
                           long dxi, int n);

    /**
     * Batch norm's first reduction over a group of {@code channels} channels side by side: channel j's {@code rows}
     * runs of n elements lie at x[xi + j·n + r·stride] (x [rows, c, n] from channel 0 of the group), and sums[j] gets
     * their sum in double, in an order fixed by rows, n and stride. The runs are read row by row, so each row's runs
     * of all the group's channels stream as one block of channels·n elements.
     */
    void channelSums(MemorySegment x, long xi, int n, int rows, long stride, int channels, double[] sums);

    /**
     * Σ (x − means[j])² in double over channel j's runs, laid out and read as in {@link #channelSums}, into
     * squares[j]: batch norm's variances about the means.
     */
    void channelSquaresAbout(double[] means, MemorySegment x, long xi, int n, int rows, long stride, int channels,
                             double[] squares);

    /**
     * Batch norm's backward reductions in one read of dy and x: Σ dy into sums[j] and Σ dy·(x − means[j]) into
     * dots[j] over channel j's runs, dy's and x's laid out and read as in {@link #channelSums}.
     */
    void channelSumsAndDotsAbout(double[] means, MemorySegment dy, long dyi, MemorySegment x, long xi, int n, int rows,
                                 long stride, int channels, double[] sums, double[] dots);

    /**
     * y[yi + t] = (x[xi + t] − mean)·scale + shift for t in [0, n): batch norm's output, one run of a channel. The mean
     * is subtracted in more than float32 (a float32 mean is off by up to half its unit in the last place, which 1/σ
     * multiplies: far off when the values sit far from zero with a small spread).
     */
    void normalize(double mean, float scale, float shift, MemorySegment x, long xi, MemorySegment y, long yi, int n);

    /**
     * dx[dxi + t] = a·dy[dyi + t] + b·(x[xi + t] − mean) + shift for t in [0, n): batch norm's input gradient, one run
     * of a channel.
     */
    void normalizeBackward(float a, MemorySegment dy, long dyi, float b, MemorySegment x, long xi, float mean,
                           float shift, MemorySegment dx, long dxi, int n);

    /** The largest of x[xi, xi + n) as Math.max takes it (NaN wins); −∞ when n = 0. */
    double max(MemorySegment x, long xi, int n);

    /** The first t in [from, to) with x[xi + t] ≠ 0 (NaN counts as nonzero), or {@code to} when there is none. */
    int nextNonzero(MemorySegment x, long xi, int from, int to);

    /** acc[ai + t] += x[xi + t], or acc[ai + t] = max(acc[ai + t], x[xi + t]) when {@code max}, for t in [0, n). */
    void accumulate(boolean max, MemorySegment x, long xi, double[] acc, int ai, int n);

    /** The Vector API loops when jdk.incubator.vector is in the boot layer, else the plain ones. */
    static FloatLoops best() {
        return Sgemm.VECTOR_API ? new VectorFloatLoops() : new ScalarFloatLoops();
    }
}
