package striate.cpu;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * The forward 1-D convolution (x [n, c, 1, w], W [k, c, 1, kw], stride 1, one group: Conv1d as the text models use
 * it) as one GEMM over all taps and a shifted sum, without a column matrix: per image,
 * Z [kw·k, w] = W' [kw·k, c] · x [c, w], with W' the filter's taps as row blocks (W'[j·k + f] = W[f, ·, 0, j]), then
 * y[f, t] = Σ_j Z[j·k + f, t − pad + j·dilation] over the taps whose input position lies inside the image. The GEMM
 * reads each image as it lies and has the channels as its inner dimension; the column matrix (kw times the input)
 * is never written and read back.
 */
final class TapsConv2d {
    private TapsConv2d() {
    }

    /** Whether the shape is a 1-D convolution this algorithm serves, with a product large enough for the GEMM. */
    static boolean applies(ConvGeometry g, Sgemm sgemm) {
        return g.h() == 1 && g.kh() == 1 && g.oh() == 1 && g.p().strideW() == 1 && g.groups() == 1
                && sgemm.isLarge(g.kw() * g.k(), g.w(), g.c());
    }

    /** y = conv(x, W), images in at most MIN_PANELS panels fixed by shape, each image then through the epilogue. */
    static void forward(IntraOpPool pool, ConvGeometry g, Sgemm sgemm, FloatRegion xr, float[] w,
                        ConvEpilogue epilogue, Tensor out) {
        MemorySegment ys = ((HostStorage) out.storage()).segment();
        float[] taps = tapRows(g, w); // [kw·k, c]
        int rows = g.kw() * g.k();
        int perPanel = g.cappedPanelImages();
        pool.forEach(Math.ceilDiv(g.n(), perPanel), panel -> {
            float[] x = new float[g.c() * g.w()]; // one image [c, w]
            float[] z = new float[rows * g.w()]; // [kw·k, w]
            float[] y = new float[g.k() * g.ow()]; // one image's output [k, ow]
            for (int b = panel * perPanel; b < Math.min(g.n(), (panel + 1) * perPanel); b++) {
                xr.read((long) b * x.length, x);
                sgemm.gemm(rows, g.w(), g.c(), taps, 0, g.c(), x, 0, g.w(), z, 0, g.w(), false);
                shiftedSum(g, z, y);
                long yi = out.offset() + (long) b * y.length;
                HostFloats.writeRange(out, (long) b * y.length, y);
                epilogue.planes(ys, yi, 1, g);
            }
        });
    }

    /** W' [kw·k, c] from W [k, c, 1, kw]: row j·k + f holds filter f's tap j over the channels. */
    private static float[] tapRows(ConvGeometry g, float[] w) {
        float[] taps = new float[w.length];
        for (int f = 0; f < g.k(); f++) {
            for (int ch = 0; ch < g.c(); ch++) {
                for (int j = 0; j < g.kw(); j++) {
                    taps[(j * g.k() + f) * g.c() + ch] = w[(f * g.c() + ch) * g.kw() + j];
                }
            }
        }
        return taps;
    }

    /** y[f, t] = Σ_j z[j·k + f, t − pad + j·dilation] over the taps inside the image, for every filter f. */
    private static void shiftedSum(ConvGeometry g, float[] z, float[] y) {
        int ow = g.ow();
        int pad = g.p().padW();
        int dilation = g.p().dilationW();
        Arrays.fill(y, 0);
        for (int f = 0; f < g.k(); f++) {
            int yRow = f * ow;
            for (int j = 0; j < g.kw(); j++) {
                int shift = j * dilation - pad; // input position of output t is t + shift
                int tLo = Math.max(0, -shift);
                int tHi = Math.min(ow, g.w() - shift);
                int zRow = (j * g.k() + f) * g.w() + shift;
                for (int t = tLo; t < tHi; t++) {
                    y[yRow + t] += z[zRow + t];
                }
            }
        }
    }
}
