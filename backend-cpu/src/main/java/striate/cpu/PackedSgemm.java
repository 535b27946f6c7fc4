package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Single-threaded float GEMM for large products, C[m, n] (+)= op(A) · op(B), row-major, on segments (off-heap
 * tensor memory or arrays), with the Vector API. Blocked over n (NC) and k (KC); per block it copies B into
 * strips of two vectors' width [kc, 2V] and A's rows into a row-major slab [mc, kc], so the micro-kernel reads both
 * from contiguous arrays in cache: six rows of the slab from L1, the block of B (NC chosen by measurement on a
 * core with 48 KB L1 and 1 MB L2; benchmarks/RESULTS.md) from L2. Without the B copy, rows of B a power of two
 * apart (n = 1024, 2048) fall into the same few cache sets and loads miss, which is what slows the in-place kernel
 * ({@link VectorSgemm}) there. A transposed operand is transposed while it is copied, so Aᵀ and Bᵀ cost no extra
 * pass; and B need not exist at all: {@link Panels} may compute its strips, as a convolution's column matrix does
 * ({@link Im2colPanels}).
 *
 * <p>The micro-kernel sums a 6 × 2-vector tile in registers over one block of k, and the tile is then added to C;
 * tiles at the ragged edges (rows past a multiple of 6, columns past a multiple of 2V) run the same kernel on
 * zero-padded operands and add only their valid part. So every element of C is summed in the same order (within
 * a block k ascending, one FMA per k from zero; the blocks' sums added to C in turn) wherever it lies: results do
 * not depend on how a caller cuts C into blocks, nor on the thread count. Only loaded when the JVM has the
 * jdk.incubator.vector module ({@link Sgemm} decides).
 */
final class PackedSgemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int V = S.length();
    private static final int W = 2 * V;    // a strip of B, a tile of C: two vectors wide
    private static final int MR = 6;       // rows of a tile of C
    private static final int KC = 256;     // k per block: six slab rows [6, KC] stay in L1 across a block of B
    private static final int NC = 512;     // columns per block of B, [KC, NC] (512 KB): stays in L2
    private static final int MC = 64 * MR; // rows of A copied at a time, a slab [MC, KC]
    private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ByteOrder ORDER = ByteOrder.nativeOrder();

    private PackedSgemm() {
    }

    /** Whether the preferred vectors are 512 bits wide (AVX-512): the width the choice in {@link Sgemm} asks about. */
    static boolean wideVectors() {
        return S.vectorBitSize() >= 512;
    }

    /**
     * op(B) [k, n] as the packing reads it: a matrix in memory ({@link #gemm(boolean, boolean, int, int, int,
     * MemorySegment, long, int, MemorySegment, long, int, MemorySegment, long, int, boolean)}) or one computed on
     * the fly, such as a convolution's column matrix ({@link Im2colPanels}).
     */
    interface Panels {
        /**
         * Rows k0.. k0+kc and columns j0.. j0+nc of op(B) into {@code strips}, in strips {@code width} columns wide:
         * strip s holds columns j0 + s·width.. as [kc, width] row-major from s·width·kc; columns past nc are zero.
         */
        void pack(int k0, int kc, int j0, int nc, float[] strips, int width);
    }

    /**
     * C = op(A)·op(B) (or C += with {@code accumulate}). op(A) is A [m, k] or, with {@code ta}, Aᵀ for A [k, m];
     * op(B) is B [k, n] or, with {@code tb}, Bᵀ for B [n, k]. Offsets and row strides count floats.
     */
    static void gemm(boolean ta, boolean tb, int m, int n, int k, MemorySegment a, long aOff, int lda,
                     MemorySegment b, long bOff, int ldb, MemorySegment c, long cOff, int ldc, boolean accumulate) {
        gemm(ta, m, n, k, a, aOff, lda, new MatrixPanels(tb, b, bOff, ldb), c, cOff, ldc, accumulate);
    }

    /** C [m, n] = op(A) · B (or C += with {@code accumulate}), B [k, n] given by its panels. */
    static void gemm(boolean ta, int m, int n, int k, MemorySegment a, long aOff, int lda, Panels b,
                     MemorySegment c, long cOff, int ldc, boolean accumulate) {
        int kcMax = Math.min(KC, k);
        float[] slab = new float[Math.min(MC, roundUp(m, MR)) * kcMax];
        float[] strips = new float[kcMax * Math.min(NC, roundUp(n, W))];
        float[] tile = new float[MR * W];
        float[] cArray = c.heapBase().orElse(null) instanceof float[] f ? f : null;
        boolean vectorC = c.isNative() || cArray != null;
        long cBase = cArray == null ? 0 : c.address() / 4; // a float[] segment's first float in its array
        for (int j0 = 0; j0 < n; j0 += NC) {
            int nc = Math.min(NC, n - j0);
            for (int k0 = 0; k0 < k; k0 += KC) {
                int kc = Math.min(KC, k - k0);
                boolean add = accumulate || k0 > 0;
                b.pack(k0, kc, j0, nc, strips, W);
                for (int i0 = 0; i0 < m; i0 += MC) {
                    int mc = Math.min(MC, m - i0);
                    packA(ta, a, aOff, lda, i0, mc, k0, kc, slab);
                    for (int i = 0; i < mc; i += MR) {
                        int rows = Math.min(MR, mc - i);
                        for (int j = 0; j < nc; j += W) {
                            int cols = Math.min(W, nc - j);
                            long at = cOff + (long) (i0 + i) * ldc + j0 + j;
                            kernel(kc, slab, i * kc, strips, j * kc, tile);
                            if (rows < MR || cols < W || !vectorC) { // edges, and heap memory of another type
                                addEdge(tile, c, at, ldc, rows, cols, add);
                            } else if (cArray != null) {
                                addTile(tile, cArray, Math.toIntExact(cBase + at), ldc, add);
                            } else {
                                addTile(tile, c, at * 4, ldc, add);
                            }
                        }
                    }
                }
            }
        }
    }

    private static int roundUp(int x, int step) {
        return (x + step - 1) / step * step;
    }

    /**
     * Rows i0.. i0+mc of op(A), columns k0.. k0+kc, into {@code slab} as [roundUp(mc, 6), kc] row-major; rows past
     * mc are zero.
     */
    private static void packA(boolean ta, MemorySegment a, long aOff, int lda, int i0, int mc, int k0, int kc,
                              float[] slab) {
        if (!ta) {
            for (int r = 0; r < mc; r++) {
                MemorySegment.copy(a, F, (aOff + (long) (i0 + r) * lda + k0) * 4, slab, r * kc, kc);
            }
        } else { // A holds [k, m]: row p of it gives column p of the slab
            for (int p = 0; p < kc; p++) {
                long row = (aOff + (long) (k0 + p) * lda + i0) * 4;
                for (int r = 0; r < mc; r++) {
                    slab[r * kc + p] = a.get(F, row + r * 4L);
                }
            }
        }
        java.util.Arrays.fill(slab, mc * kc, roundUp(mc, MR) * kc, 0f);
    }

    /** op(B) from memory: B [k, n], or with {@code tb} Bᵀ for B [n, k], from float {@code off} with row stride ld. */
    private record MatrixPanels(boolean tb, MemorySegment b, long off, int ld) implements Panels {
        @Override
        public void pack(int k0, int kc, int j0, int nc, float[] strips, int width) {
            for (int s = 0; s * width < nc; s++) {
                int j = j0 + s * width;
                int w = Math.min(width, nc - s * width);
                int base = s * width * kc;
                if (!tb) {
                    for (int p = 0; p < kc; p++) {
                        MemorySegment.copy(b, F, (off + (long) (k0 + p) * ld + j) * 4, strips, base + p * width, w);
                    }
                } else { // B holds [n, k]: row j+x of it gives column x of the strip
                    for (int x = 0; x < w; x++) {
                        long row = (off + (long) (j + x) * ld + k0) * 4;
                        for (int p = 0; p < kc; p++) {
                            strips[base + p * width + x] = b.get(F, row + p * 4L);
                        }
                    }
                }
                if (w < width) {
                    for (int p = 0; p < kc; p++) {
                        java.util.Arrays.fill(strips, base + p * width + w, base + p * width + width, 0f);
                    }
                }
            }
        }
    }

    /**
     * tile [6, 2V] = slab rows [6, kc] from {@code ao} · strip [kc, 2V] from {@code bo}: twelve accumulators from
     * zero, one FMA per (row, vector) per k. C is added afterwards ({@link #addTile}), so the loop never touches C's
     * memory: C may be a heap segment, and a vector load site that has seen one compiles to a slow generic load for
     * every later caller in the process (see {@link VectorFloatLoops#binary}).
     */
    private static void kernel(int kc, float[] a, int ao, float[] b, int bo, float[] tile) {
        FloatVector c00 = FloatVector.zero(S);
        FloatVector c01 = c00;
        FloatVector c10 = c00;
        FloatVector c11 = c00;
        FloatVector c20 = c00;
        FloatVector c21 = c00;
        FloatVector c30 = c00;
        FloatVector c31 = c00;
        FloatVector c40 = c00;
        FloatVector c41 = c00;
        FloatVector c50 = c00;
        FloatVector c51 = c00;
        for (int p = 0; p < kc; p++) {
            int bi = bo + p * W;
            FloatVector b0 = FloatVector.fromArray(S, b, bi);
            FloatVector b1 = FloatVector.fromArray(S, b, bi + V);
            FloatVector a0 = FloatVector.broadcast(S, a[ao + p]);
            c00 = b0.fma(a0, c00);
            c01 = b1.fma(a0, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[ao + kc + p]);
            c10 = b0.fma(a1, c10);
            c11 = b1.fma(a1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[ao + 2 * kc + p]);
            c20 = b0.fma(a2, c20);
            c21 = b1.fma(a2, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[ao + 3 * kc + p]);
            c30 = b0.fma(a3, c30);
            c31 = b1.fma(a3, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[ao + 4 * kc + p]);
            c40 = b0.fma(a4, c40);
            c41 = b1.fma(a4, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[ao + 5 * kc + p]);
            c50 = b0.fma(a5, c50);
            c51 = b1.fma(a5, c51);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, V);
        c10.intoArray(tile, W);
        c11.intoArray(tile, W + V);
        c20.intoArray(tile, 2 * W);
        c21.intoArray(tile, 2 * W + V);
        c30.intoArray(tile, 3 * W);
        c31.intoArray(tile, 3 * W + V);
        c40.intoArray(tile, 4 * W);
        c41.intoArray(tile, 4 * W + V);
        c50.intoArray(tile, 5 * W);
        c51.intoArray(tile, 5 * W + V);
    }

    /** C[6, 2V] at byte offset {@code at} of native memory (+)= tile. */
    private static void addTile(float[] tile, MemorySegment c, long at, int ldc, boolean add) {
        for (int r = 0; r < MR; r++) {
            for (int v = 0; v < W; v += V) {
                long to = at + 4L * ((long) r * ldc + v);
                FloatVector t = FloatVector.fromArray(S, tile, r * W + v);
                (add ? t.add(FloatVector.fromMemorySegment(S, c, to, ORDER)) : t).intoMemorySegment(c, to, ORDER);
            }
        }
    }

    /** C[6, 2V] from element {@code at} of a float[] (+)= tile. */
    private static void addTile(float[] tile, float[] c, int at, int ldc, boolean add) {
        for (int r = 0; r < MR; r++) {
            for (int v = 0; v < W; v += V) {
                int to = at + r * ldc + v;
                FloatVector t = FloatVector.fromArray(S, tile, r * W + v);
                (add ? t.add(FloatVector.fromArray(S, c, to)) : t).intoArray(c, to);
            }
        }
    }

    /** The valid rows and columns of a tile, element by element: C (+)= tile. */
    private static void addEdge(float[] tile, MemorySegment c, long at, int ldc, int rows, int cols, boolean add) {
        for (int r = 0; r < rows; r++) {
            for (int x = 0; x < cols; x++) {
                long i = at + (long) r * ldc + x;
                float t = tile[r * W + x];
                c.setAtIndex(F, i, add ? c.getAtIndex(F, i) + t : t);
            }
        }
    }
}
