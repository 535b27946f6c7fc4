package striate.cpu;

import java.lang.foreign.MemorySegment;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * Convolution products large enough for the packed GEMM ({@link Sgemm#isPacked}), forward and filter gradient,
 * without a column matrix: the GEMM packs col's strips (or colᵀ's) straight from a zero-padded copy of each image
 * ({@link Im2colPanels}), so the column matrix, kh·kw times the input, is never written and read back.
 */
final class PackedConv2d {
    private PackedConv2d() {
    }

    /**
     * y[b, grp] [kg, oh·ow] = W[grp] [kg, ckk] · col(x[b, grp]) [ckk, oh·ow], one task per image, written straight
     * into the output's memory, each image's planes then through the epilogue.
     */
    static void forward(IntraOpPool pool, ConvGeometry g, FloatRegion xr, float[] w, ConvEpilogue epilogue,
                        Tensor out) {
        MemorySegment ys = ((HostStorage) out.storage()).segment();
        long yOff = out.offset();
        MemorySegment weights = MemorySegment.ofArray(w);
        pool.forEach(g.n(), b -> {
            Im2colPanels col = g.im2colPanels();
            for (int grp = 0; grp < g.groups(); grp++) {
                col.load(xr, (long) b * g.c() + (long) grp * g.cg(), g.h(), g.w());
                PackedSgemm.gemm(false, g.kg(), g.ohw(), g.ckk(), weights, (long) grp * g.kg() * g.ckk(), g.ckk(),
                        col, ys, yOff + g.yOffset(b, grp), g.ohw(), false);
            }
            epilogue.planes(ys, yOff + (long) b * g.k() * g.ohw(), 1, g);
        });
    }

    /**
     * The partial filter gradients dW[grp] [kg, ckk] = Σ_b dy[b, grp] [kg, oh·ow] · col(x[b, grp])ᵀ [oh·ow, ckk],
     * dy read in place and colᵀ's strips packed from each image ({@link Im2colPanels#transposed}). The images go in
     * at most MIN_PANELS panels fixed by shape, each summing its images into its own gradient in order.
     */
    static float[][] filterGradPanels(IntraOpPool pool, ConvGeometry g, FloatRegion xr, FloatRegion dyr, int wSize) {
        int perPanel = g.cappedPanelImages();
        float[][] partial = new float[Math.ceilDiv(g.n(), perPanel)][];
        pool.forEach(partial.length, panel -> {
            Im2colPanels col = g.im2colPanels();
            float[] dw = new float[wSize];
            MemorySegment dws = MemorySegment.ofArray(dw);
            for (int b = panel * perPanel; b < Math.min(g.n(), (panel + 1) * perPanel); b++) {
                for (int grp = 0; grp < g.groups(); grp++) {
                    col.load(xr, (long) b * g.c() + (long) grp * g.cg(), g.h(), g.w());
                    PackedSgemm.gemm(false, g.kg(), g.ckk(), g.ohw(), dyr.segment(),
                            dyr.offset() + g.yOffset(b, grp), g.ohw(), col.transposed(), dws,
                            (long) grp * g.kg() * g.ckk(), g.ckk(), true);
                }
            }
            partial[panel] = dw;
        });
        return partial;
    }
}
