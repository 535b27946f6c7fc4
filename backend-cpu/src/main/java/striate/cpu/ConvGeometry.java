package striate.cpu;

import striate.op.ConvParams;

/**
 * The numbers of one convolution, x [n, c, h, w], w [k, cg, kh, kw], y [n, k, oh, ow] with cg = c / groups, and
 * what follows from them alone: the per-group sizes, how a batch is cut into panels of images (fixed by shape, so
 * that results do not depend on the thread count), and which special kernels the shape admits.
 */
record ConvGeometry(int n, int c, int h, int w, int k, int cg, int kh, int kw, int oh, int ow, int groups,
                    ConvParams p) {
    /** Columns one panel's GEMM should have at least (n·oh·ow); a few KB of B panel per k row. */
    static final int TARGET_COLUMNS = 256;
    /** Below this many output pixels per image, the row layout gives the GEMM longer vectors. */
    static final int ROW_LAYOUT_BELOW_PIXELS = 64;
    /**
     * GEMM rows (nb·oh·ow) one panel of the row layout's forward and backward data should have at least: each call
     * repacks the whole filter, megabytes for the DCGAN's 7x7 maps, so fewer, taller panels pack it fewer times.
     */
    static final int ROW_LAYOUT_TARGET_ROWS = 768;
    /** Panels a batch is split into at least (when it has that many images), for the intra-op pool. */
    static final int MIN_PANELS = 8;

    static ConvGeometry of(ConvParams p, long[] x, long[] w, long[] y) {
        return new ConvGeometry((int) x[0], (int) x[1], (int) x[2], (int) x[3], (int) w[0], (int) w[1], (int) w[2],
                (int) w[3], (int) y[2], (int) y[3], p.groups(), p);
    }

    int kg() {
        return k / groups;
    }

    int ckk() {
        return cg * kh * kw;
    }

    int ohw() {
        return oh * ow;
    }

    /** Images per panel: enough for TARGET_COLUMNS columns, but at least MIN_PANELS panels when n allows. */
    int panelImages() {
        int wanted = (TARGET_COLUMNS + ohw() - 1) / ohw();
        int cap = Math.max(1, (n + MIN_PANELS - 1) / MIN_PANELS);
        return Math.max(1, Math.min(wanted, cap));
    }

    int panels() {
        int nb = panelImages();
        return (n + nb - 1) / nb;
    }

    /**
     * Images per panel of the row layout's forward and backward data: as {@link #panelImages}, for
     * ROW_LAYOUT_TARGET_ROWS rows.
     */
    int rowPanelImages() {
        int wanted = Math.ceilDiv(ROW_LAYOUT_TARGET_ROWS, ohw());
        int cap = Math.max(1, Math.ceilDiv(n, MIN_PANELS));
        return Math.max(1, Math.min(wanted, cap));
    }

    int rowPanels() {
        return Math.ceilDiv(n, rowPanelImages());
    }

    /**
     * Images per panel of the im2col filter gradient: as {@link #panelImages}, but at most MIN_PANELS panels, because
     * each panel writes a partial gradient of the filter's size that is then added in order (a large filter from
     * small maps would otherwise take many filter-sized partials).
     */
    int filterPanelImages() {
        return Math.max(panelImages(), (n + MIN_PANELS - 1) / MIN_PANELS);
    }

    /**
     * Images per panel when a batch goes in at most MIN_PANELS panels fixed by shape, each panel holding buffers or a
     * partial result of its own (the packed filter gradient, the taps forward).
     */
    int cappedPanelImages() {
        return Math.ceilDiv(n, Math.min(n, MIN_PANELS));
    }

    int filterPanels() {
        int nb = filterPanelImages();
        return (n + nb - 1) / nb;
    }

    /**
     * Whether the filter covers the whole unpadded input in one position, so that x [n, c, h, w] is colᵀ
     * [n, ckk] as it lies in memory and y [n, k, 1, 1] is [n, k].
     */
    boolean matrix() {
        return groups == 1 && oh == 1 && ow == 1 && kh == h && kw == w && p.padH() == 0 && p.padW() == 0;
    }

    /** Whether the direct kernel serves this shape (see {@link DirectConv2d#applies}). */
    boolean direct() {
        return Sgemm.VECTOR_API && DirectConv2d.applies(p, c, kh, kw, ow);
    }

    DirectConv2d directConv() {
        return new DirectConv2d(c, h, w, k, kh, kw, oh, ow, p);
    }

    /** Whether the few-taps kernel serves this shape (see {@link NarrowConv2d#applies}). */
    boolean narrow() {
        return Sgemm.VECTOR_API && NarrowConv2d.applies(this);
    }

    /** Whether the channel-vectorized direct kernel serves this shape (see {@link PixelConv2d#applies}). */
    boolean pixel() {
        return Sgemm.VECTOR_API && PixelConv2d.applies(p, k);
    }

    PixelConv2d pixelConv() {
        return new PixelConv2d(c, h, w, k, kh, kw, oh, ow, p);
    }

    /** The column matrix of one image's group, packed on demand for the packed GEMM; load an image first. */
    Im2colPanels im2colPanels() {
        return new Im2colPanels(cg, h, w, kh, kw, p.strideH(), p.strideW(), p.padH(), p.padW(), p.dilationH(),
                p.dilationW(), ow);
    }

    boolean rowLayout() {
        return ohw() < ROW_LAYOUT_BELOW_PIXELS;
    }

    /** Offset of image b, group grp in x [n, c, h, w]. */
    int xOffset(int b, int grp) {
        return (b * c + grp * cg) * h * w;
    }

    /** Offset of image b, group grp in y [n, k, oh, ow]. */
    int yOffset(int b, int grp) {
        return (b * k + grp * kg()) * ohw();
    }
}
