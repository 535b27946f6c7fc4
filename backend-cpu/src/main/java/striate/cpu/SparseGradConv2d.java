package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import striate.tensor.Tensor;

/**
 * The two backward directions of a convolution whose output gradient dy [n, k, oh, ow] is mostly zeros, as
 * max-over-time pooling leaves it (one nonzero per filter and sequence, ties aside): each nonzero dy[b, f, oy, ox]
 * adds v · W[f] into the input window it came from (backward data) or v · that window into dW[f] (filter gradient),
 * nnz · ckk multiply-adds in all instead of the GEMMs' n · k · oh · ow · ckk. The results are the GEMM paths' up to
 * the order of additions: the terms skipped are products with zero (a zero dy against an infinite x, NaN in the GEMM,
 * is skipped too). {@link CpuConv2d} takes this path when {@link Nonzeros#of} finds dy sparse enough, and names it
 * "sparse" in the kernel trace. Images are cut into the same fixed panels as the GEMM paths, so results do not depend
 * on the thread count.
 */
final class SparseGradConv2d {
    /**
     * dy counts as sparse when in every image nonzeros · DENSITY_INVERSE ≤ the image's k · oh · ow elements: each
     * nonzero's ckk products run as short scalar loops, many times slower per product than the GEMMs' packed kernels.
     */
    static final int DENSITY_INVERSE = 64;

    private SparseGradConv2d() {
    }

    /**
     * The nonzeros of dy image by image: image b's are entries [start[b], start[b + 1]), each a position
     * f·ohw + oy·ow + ox in the image's [k, oh, ow] and its value.
     */
    record Nonzeros(int[] start, int[] position, float[] value) {
        /**
         * dy's nonzeros, or null when some image has more than 1 in DENSITY_INVERSE of its elements nonzero (so a dense
         * dy is given up on within the first image).
         */
        static Nonzeros of(FloatRegion dy, ConvGeometry g, FloatLoops loops) {
            int perImage = g.k() * g.ohw();
            int imageLimit = perImage / DENSITY_INVERSE;
            int[] start = new int[g.n() + 1];
            // grown as nonzeros turn up, so a dense dy, given up on within its first image, allocates little
            int[] position = new int[Math.min(imageLimit * g.n(), 1024)];
            float[] value = new float[position.length];
            MemorySegment s = dy.segment();
            int count = 0;
            for (int b = 0; b < g.n(); b++) {
                start[b] = count;
                long image = dy.offset() + (long) b * perImage;
                for (int p = loops.nextNonzero(s, image, 0, perImage); p < perImage;
                        p = loops.nextNonzero(s, image, p + 1, perImage)) {
                    if (count - start[b] == imageLimit) {
                        return null;
                    }
                    if (count == position.length) {
                        position = Arrays.copyOf(position, 2 * count);
                        value = Arrays.copyOf(value, 2 * count);
                    }
                    position[count] = p;
                    value[count++] = s.getAtIndex(ValueLayout.JAVA_FLOAT, image + p);
                }
            }
            start[g.n()] = count;
            return new Nonzeros(start, position, value);
        }
    }

    /** dx [n, c, h, w] = the adjoint of conv(·, W) applied to the sparse dy; w is W [k, cg, kh, kw]. */
    static void backwardData(IntraOpPool pool, ConvGeometry g, Nonzeros nz, float[] w, Tensor out) {
        int imageSize = g.c() * g.h() * g.w();
        int nb = g.panelImages();
        pool.forEach(g.panels(), panel -> {
            int b0 = panel * nb;
            int count = Math.min(nb, g.n() - b0);
            float[] dx = new float[count * imageSize]; // this panel's images of the input gradient
            Window win = new Window(g);
            for (int i = 0; i < count; i++) {
                int b = b0 + i;
                for (int e = nz.start()[b]; e < nz.start()[b + 1]; e++) {
                    int f = nz.position()[e] / g.ohw();
                    win.at(nz.position()[e] % g.ohw());
                    win.addFilter(nz.value()[e], w, f * g.ckk(), dx, i * imageSize + groupPlanes(g, f));
                }
            }
            HostFloats.writeRange(out, (long) b0 * imageSize, dx);
        });
    }

    /** The partial filter gradients dW [k, cg, kh, kw], one per filter panel of images, for the caller to add in order. */
    static float[][] filterGradPanels(IntraOpPool pool, ConvGeometry g, FloatRegion xr, Nonzeros nz, int wSize) {
        int imageSize = g.c() * g.h() * g.w();
        int nb = g.filterPanelImages();
        float[][] partial = new float[g.filterPanels()][];
        pool.forEach(g.filterPanels(), panel -> {
            int b0 = panel * nb;
            int count = Math.min(nb, g.n() - b0);
            float[] dw = new float[wSize];
            float[] x = new float[imageSize]; // one image of the input
            Window win = new Window(g);
            for (int b = b0; b < b0 + count; b++) {
                if (nz.start()[b] == nz.start()[b + 1]) {
                    continue;
                }
                xr.read((long) b * imageSize, x);
                for (int e = nz.start()[b]; e < nz.start()[b + 1]; e++) {
                    int f = nz.position()[e] / g.ohw();
                    win.at(nz.position()[e] % g.ohw());
                    win.addInput(nz.value()[e], x, groupPlanes(g, f), dw, f * g.ckk());
                }
            }
            partial[panel] = dw;
        });
        return partial;
    }

    /** Offset of filter f's group's first channel plane in an image [c, h, w]. */
    private static int groupPlanes(ConvGeometry g, int f) {
        return f / g.kg() * g.cg() * g.h() * g.w();
    }

    /**
     * The input window of one output pixel: the filter taps (i, j) whose input cell (iy, ix) lies inside the image,
     * as the ranges [iLo, iHi) × [jLo, jHi) with the cell of tap (i, j) at iy = iy0 + i·dh, ix = ix0 + j·dw.
     */
    private static final class Window {
        private final ConvGeometry g;
        private final int dh;
        private final int dw;
        private int iy0;
        private int ix0;
        private int iLo;
        private int iHi;
        private int jLo;
        private int jHi;

        Window(ConvGeometry g) {
            this.g = g;
            this.dh = g.p().dilationH();
            this.dw = g.p().dilationW();
        }

        /** Moves to output pixel oy·ow + ox. */
        void at(int pixel) {
            iy0 = pixel / g.ow() * g.p().strideH() - g.p().padH();
            ix0 = pixel % g.ow() * g.p().strideW() - g.p().padW();
            iLo = firstInside(iy0, dh);
            iHi = endInside(iy0, dh, g.kh(), g.h());
            jLo = firstInside(ix0, dw);
            jHi = endInside(ix0, dw, g.kw(), g.w());
        }

        /** The first tap t with start + t·step ≥ 0. */
        private static int firstInside(int start, int step) {
            return start >= 0 ? 0 : (-start + step - 1) / step;
        }

        /** One past the last tap t < taps with start + t·step < size. */
        private static int endInside(int start, int step, int taps, int size) {
            return start >= size ? 0 : Math.min(taps, (size - 1 - start) / step + 1);
        }

        /** dx[channel plane cl at xBase, window] += v · W[f][cl] for every channel cl of the group (filter at wBase). */
        void addFilter(float v, float[] w, int wBase, float[] dx, int xBase) {
            for (int cl = 0; cl < g.cg(); cl++) {
                for (int i = iLo; i < iHi; i++) {
                    int xRow = xBase + (cl * g.h() + iy0 + i * dh) * g.w() + ix0;
                    int wRow = wBase + (cl * g.kh() + i) * g.kw();
                    for (int j = jLo; j < jHi; j++) {
                        dx[xRow + j * dw] += v * w[wRow + j];
                    }
                }
            }
        }

        /** dW[f][cl] += v · x[channel plane cl at xBase, window] for every channel cl of the group (dW[f] at wBase). */
        void addInput(float v, float[] x, int xBase, float[] dwOut, int wBase) {
            for (int cl = 0; cl < g.cg(); cl++) {
                for (int i = iLo; i < iHi; i++) {
                    int xRow = xBase + (cl * g.h() + iy0 + i * dh) * g.w() + ix0;
                    int wRow = wBase + (cl * g.kh() + i) * g.kw();
                    for (int j = jLo; j < jHi; j++) {
                        dwOut[wRow + j] += v * x[xRow + j * dw];
                    }
                }
            }
        }
    }
}
