package striate.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import striate.op.UnaryFn;

/**
 * The bits of the CPU backend's vector exp, log, tanh and sigmoid loops and of the LSTM and GRU cells, forward and
 * backward, on fixed inputs, as one hash; {@link #main} prints it, so {@link VectorMathJitTest} can compare a child
 * JVM's interpreted run with a compiled one.
 */
final class VectorMathBits {
    /** Not a multiple of any vector length: the plain tails are in the hash too. */
    private static final int N = 1029;
    private static final int H = 67;

    private VectorMathBits() {
    }

    /** N values: pre-activations to ±12, with zeros, subnormals, huge values and the special ones among them. */
    private static MemorySegment inputs(Arena arena, long seed) {
        Random r = new Random(seed);
        MemorySegment m = arena.allocate(4L * N, 64);
        float[] special = {0f, -0f, Float.MIN_VALUE, -1e-40f, 1e-6f, 88.8f, -88.8f, -100f, 1e30f, -1e30f,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN};
        for (int i = 0; i < N; i++) {
            float v = i % 10 == 0 ? special[i / 10 % special.length] : (float) (r.nextGaussian() * 4);
            m.setAtIndex(JAVA_FLOAT, i, v);
        }
        return m;
    }

    private static long hash(long h, MemorySegment m) {
        for (float v : m.toArray(JAVA_FLOAT)) {
            h = h * 31 + Float.floatToIntBits(v);
        }
        return h;
    }

    static long hash() {
        try (Arena arena = Arena.ofConfined()) {
            long h = 17;
            FloatLoops loops = new VectorFloatLoops();
            MemorySegment x = inputs(arena, 1);
            MemorySegment y = arena.allocate(4L * N, 64);
            for (UnaryFn fn : new UnaryFn[] {UnaryFn.EXP, UnaryFn.LOG, UnaryFn.TANH, UnaryFn.SIGMOID, UnaryFn.ERF}) {
                loops.unary(fn, x, 0, y, 0, N);
                h = hash(h, y);
            }
            // Cells on one row of h = H: gates [4H] (or xg, hg [3H] each), state [H], gradients [2H]; out holds the
            // LSTM's dgates [4H] and dc [H], or the GRU's dxg [3H], dhg [3H] and dh [H].
            MemorySegment gates = inputs(arena, 2);
            MemorySegment state = inputs(arena, 3);
            MemorySegment grads = inputs(arena, 4);
            MemorySegment out = arena.allocate(4L * 7 * H, 64);
            VectorCells.lstm(gates, 0, state, 0, out, 0, H, H);
            VectorCells.lstmBackward(grads, 0, H, gates, 0, state, 0, out, 0, 4L * H, H);
            h = hash(h, out);
            VectorCells.gru(gates, 0, gates, 3L * H, state, 0, out, 0, H);
            VectorCells.gruBackward(grads, 0, gates, 0, gates, 3L * H, state, 0, out, 0, 3L * H, 6L * H, H);
            return hash(h, out);
        }
    }

    public static void main(String[] args) {
        System.out.println(hash());
    }
}
