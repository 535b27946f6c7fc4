package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import striate.tensor.Rng;

/**
 * The column strips read straight from an image give the packed GEMM the same products, bit for bit, as an explicit
 * column matrix built by the textbook im2col, as col (forward) and as colᵀ (filter gradient): strides, dilations and paddings, rows of output that end inside a
 * strip, more taps than one k-block, and a group's planes in the middle of the batch.
 */
class Im2colPanelsTest {
    @ParameterizedTest(name = "c={0} {1}x{2} k{3}x{4} stride {5},{6} pad {7},{8} dilation {9},{10}")
    @CsvSource({"3,11,13,3,3,1,1,1,1,1,1", "12,27,27,5,5,1,1,2,2,1,1", "3,31,29,11,11,4,4,2,2,1,1",
        "4,20,17,3,3,2,1,2,0,2,1", "2,9,40,3,5,1,3,0,2,1,2", "1,5,5,5,5,1,1,0,0,1,1"})
    void packsTheSameColumnsAsAnExplicitIm2col(int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw,
                                               int dh, int dw) {
        int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1;
        int ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        int ckk = c * kh * kw;
        int m = 7;
        int images = 3;
        int plane = c; // image 1 of 3, as a group's planes start at b·c + grp·cg
        Rng rng = new Rng(ckk * 31L + ow);
        float[] x = random(rng, images * c * h * w);
        float[] weights = random(rng, m * ckk);
        float[] col = new float[ckk * oh * ow];
        for (int ic = 0; ic < c; ic++) {
            for (int ky = 0; ky < kh; ky++) {
                for (int kx = 0; kx < kw; kx++) {
                    int row = (ic * kh + ky) * kw + kx;
                    for (int oy = 0; oy < oh; oy++) {
                        for (int ox = 0; ox < ow; ox++) {
                            int iy = oy * sh - ph + ky * dh;
                            int ix = ox * sw - pw + kx * dw;
                            boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                            col[row * oh * ow + oy * ow + ox] = inside ? x[((plane + ic) * h + iy) * w + ix] : 0f;
                        }
                    }
                }
            }
        }
        float[] want = new float[m * oh * ow];
        PackedSgemm.gemm(false, false, m, oh * ow, ckk, seg(weights), 0, ckk, seg(col), 0, oh * ow, seg(want), 0,
                oh * ow, false);

        Im2colPanels panels = new Im2colPanels(c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ow);
        panels.load(new FloatRegion(seg(x), 0), plane, h, w);
        float[] got = new float[m * oh * ow];
        PackedSgemm.gemm(false, m, oh * ow, ckk, seg(weights), 0, ckk, panels, seg(got), 0, oh * ow, false);
        assertArrayEquals(want, got);

        // A filter gradient's product: dy [m, oh·ow] · colᵀ, accumulated onto what C holds.
        float[] dy = random(rng, m * oh * ow);
        float[] start = random(rng, m * ckk);
        float[] wantT = start.clone();
        PackedSgemm.gemm(false, true, m, ckk, oh * ow, seg(dy), 0, oh * ow, seg(col), 0, oh * ow, seg(wantT), 0, ckk,
                true);
        float[] gotT = start.clone();
        PackedSgemm.gemm(false, m, ckk, oh * ow, seg(dy), 0, oh * ow, panels.transposed(), seg(gotT), 0, ckk, true);
        assertArrayEquals(wantT, gotT);
    }

    private static MemorySegment seg(float[] x) {
        return MemorySegment.ofArray(x);
    }

    private static float[] random(Rng rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (2 * rng.nextDouble() - 1);
        }
        return v;
    }
}
