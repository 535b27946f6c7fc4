package striate.tensor;

/**
 * Lets random draws differ at each replay of a captured graph. While a stream is in use on a thread,
 * {@link Tensor#rand} and {@link Tensor#randn} on the stream's device draw with the host seed advanced by the stream's current value, which
 * the kernel reads when it runs ({@link striate.op.RandomUniformOp#streamed}); the captured work adds one to the
 * stream at its end, so replay k draws with seed + k·STEP although the host seed is frozen in the graph (dropout masks
 * and RReLU slopes change from step to step, as PyTorch's graph-safe generator offsets make them). Outside a stream,
 * draws use their host seed alone. Streams nest; close each to restore the one before. The counter is a float32, exact
 * up to 2^24: after 16,777,216 replays it stops moving and the draws repeat, so reset it (copy zero into it) at most
 * that often; the trainer's graphed steps reset it at every capture, once an epoch.
 *
 * <pre>{@code
 * try (RandomStream s = RandomStream.use(counter)) {     // counter: a float32 scalar on the device, made beforehand
 *     ... forward with dropout ...
 *     s.advance();                                      // captured too: the next replay draws the next numbers
 * }
 * }</pre>
 */
public final class RandomStream implements AutoCloseable {
    private static final ThreadLocal<RandomStream> CURRENT = new ThreadLocal<>();

    private final Tensor counter;
    private final RandomStream previous;
    private boolean closed;

    private RandomStream(Tensor counter, RandomStream previous) {
        this.counter = counter;
        this.previous = previous;
    }

    /** Draws on {@code counter}'s device follow it (a float32 scalar) until the returned stream is closed. */
    public static RandomStream use(Tensor counter) {
        if (counter.dtype() != DType.F32 || counter.rank() != 0) {
            throw new IllegalArgumentException("a random stream is a float32 scalar, got " + counter.dtype() + " "
                    + counter.shape());
        }
        RandomStream s = new RandomStream(counter, CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /** The counter that draws on {@code device} follow on this thread, or null. */
    static Tensor counterFor(Device device) {
        RandomStream s = CURRENT.get();
        return s != null && s.counter.device().equals(device) ? s.counter : null;
    }

    /** Adds one to the counter, on its device: the next run of the same work draws other numbers. */
    public void advance() {
        counter.copyFrom(counter.add(1));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException("random streams must be closed in the reverse order of use");
        }
        closed = true;
        CURRENT.set(previous);
    }
}
