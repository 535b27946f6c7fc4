package striate.cpu;

import striate.op.AffineOp;
import striate.op.BinaryOp;
import striate.op.Kernel;
import striate.op.UnaryOp;
import striate.reference.ReferenceBackend;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * Float32 elementwise kernels on arrays, split into fixed chunks across the intra-op threads. Binary ops take
 * a fast path for equal shapes and for the two broadcasts layers use — a trailing block (bias [c] over [n, c])
 * and a channel ([1, c, 1, 1] over [n, c, h, w]); other broadcasts and other types use the reference kernels.
 */
final class CpuElementwise {
    private static final int CHUNK = 1 << 15;
    private final IntraOpPool pool;

    CpuElementwise(IntraOpPool pool) {
        this.pool = pool;
    }

    /** The work on one chunk: elements [from, to) of the input, held in x at index (i − base). */
    private interface ChunkBody {
        void apply(float[] x, int base, int from, int to);
    }

    /**
     * Runs body over a's elements in fixed chunks on the intra-op threads and stores the results in out. A
     * contiguous input is copied chunk by chunk into a thread-local array and back, so the copies run in parallel
     * too; a strided view is gathered once first.
     */
    private void mapChunks(Tensor a, Tensor out, ChunkBody body) {
        int n = Math.toIntExact(a.size());
        int chunks = Math.max(1, (n + CHUNK - 1) / CHUNK);
        if (!a.isContiguous()) {
            float[] x = HostFloats.read(a);
            pool.forEach(chunks, c -> body.apply(x, 0, c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
            HostFloats.write(out, x);
            return;
        }
        pool.forEach(chunks, c -> {
            int from = c * CHUNK;
            float[] x = new float[Math.min(n, from + CHUNK) - from];
            HostFloats.readRange(a, from, x);
            body.apply(x, from, from, from + x.length);
            HostFloats.writeRange(out, from, x);
        });
    }

    Kernel<UnaryOp> unary() {
        return (op, in, out) -> {
            if (!HostFloats.isF32(in[0])) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            mapChunks(in[0], out, (x, base, from, to) -> {
                int lo = from - base;
                int hi = to - base;
                switch (op.fn()) {
                    case RELU -> {
                        for (int i = lo; i < hi; i++) {
                            x[i] = x[i] > 0 ? x[i] : 0f;
                        }
                    }
                    case STEP -> {
                        for (int i = lo; i < hi; i++) {
                            x[i] = x[i] > 0 ? 1f : 0f;
                        }
                    }
                    case NEG -> {
                        for (int i = lo; i < hi; i++) {
                            x[i] = -x[i];
                        }
                    }
                    default -> {
                        for (int i = lo; i < hi; i++) {
                            x[i] = (float) op.fn().apply(x[i]);
                        }
                    }
                }
            });
        };
    }

    Kernel<AffineOp> affine() {
        return (op, in, out) -> {
            if (!HostFloats.isF32(in[0])) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            float scale = (float) op.scale();
            float shift = (float) op.shift();
            mapChunks(in[0], out, (x, base, from, to) -> {
                for (int i = from - base; i < to - base; i++) {
                    x[i] = scale * x[i] + shift;
                }
            });
        };
    }

    Kernel<BinaryOp> binary() {
        return (op, in, out) -> {
            Shape ys = out.shape();
            Tensor a = in[0];
            Tensor b = in[1];
            if (!HostFloats.isF32(a) || !HostFloats.isF32(b) || !a.shape().equals(ys)) {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            int period; // trailing: y[i % period]; channel: y[(i / repeat) % period]
            int repeat;
            boolean same = b.shape().equals(ys);
            if (same || b.size() == 1) {
                period = 1;
                repeat = Integer.MAX_VALUE;
            } else if (isTrailing(b.shape(), ys)) {
                period = Math.toIntExact(b.size()); // b[i % period]
                repeat = 1;
            } else if (isChannel(b.shape(), ys)) {
                period = Math.toIntExact(b.size()); // b[(i / repeat) % period]
                repeat = Math.toIntExact(ys.dim(2) * ys.dim(3));
            } else {
                ReferenceBackend.KERNELS.get(op).run(op, in, out);
                return;
            }
            if (same && b.isContiguous()) { // y chunk by chunk too
                mapChunks(a, out, (x, base, from, to) -> {
                    float[] yc = new float[to - from];
                    HostFloats.readRange(b, from, yc);
                    combine(op, x, from - base, yc, 0, 1, to - from);
                });
                return;
            }
            float[] y = HostFloats.read(b);
            int per = period;
            int rep = repeat;
            boolean equal = same;
            mapChunks(a, out, (x, base, from, to) -> {
                for (int i = from; i < to; ) {
                    int run;
                    if (equal) {
                        run = to - i;
                        combine(op, x, i - base, y, i, 1, run);
                    } else if (rep == 1) {
                        int j = i % per; // trailing block: y[j..] lines up with x[i..]
                        run = Math.min(per - j, to - i);
                        combine(op, x, i - base, y, j, 1, run);
                    } else {
                        int block = i / rep; // channel or scalar: one y value per run of rep elements
                        run = (int) Math.min((long) (block + 1) * rep, to) - i;
                        combine(op, x, i - base, y, block % per, 0, run);
                    }
                    i += run;
                }
            });
        };
    }

    /** x[xi + t] = fn(x[xi + t], y[yi + t·yStep]) for t in [0, n). */
    private static void combine(BinaryOp op, float[] x, int xi, float[] y, int yi, int yStep, int n) {
        switch (op.fn()) {
            case ADD -> {
                for (int t = 0; t < n; t++) {
                    x[xi + t] += y[yi + t * yStep];
                }
            }
            case SUB -> {
                for (int t = 0; t < n; t++) {
                    x[xi + t] -= y[yi + t * yStep];
                }
            }
            case MUL -> {
                for (int t = 0; t < n; t++) {
                    x[xi + t] *= y[yi + t * yStep];
                }
            }
            default -> {
                for (int t = 0; t < n; t++) {
                    x[xi + t] = (float) op.fn().apply(x[xi + t], y[yi + t * yStep]);
                }
            }
        }
    }

    /** b's dims equal y's trailing dims (after dropping b's leading 1s): b repeats every b.size() elements. */
    private static boolean isTrailing(Shape b, Shape y) {
        int lead = 0;
        while (lead < b.rank() && b.dim(lead) == 1) {
            lead++;
        }
        int n = b.rank() - lead;
        if (n > y.rank()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if (b.dim(lead + i) != y.dim(y.rank() - n + i)) {
                return false;
            }
        }
        return true;
    }

    /** b is [1, c, 1, 1] (or [c, 1, 1]) over y [n, c, h, w]. */
    private static boolean isChannel(Shape b, Shape y) {
        if (y.rank() != 4 || b.rank() < 3 || b.rank() > 4) {
            return false;
        }
        int o = 4 - b.rank();
        return (o == 1 || b.dim(0) == 1) && b.dim(1 - o) == y.dim(1) && b.dim(2 - o) == 1 && b.dim(3 - o) == 1;
    }
}
