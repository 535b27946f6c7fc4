package striate.cli.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import striate.tensor.Tensor;
import striate.train.AtomicFile;

/**
 * A grid of images as one PNG: generated samples, reconstructions, interpolations. The images are [n, c, h, w] with
 * c = 1 (grey) or 3 (RGB), values in [lo, hi] mapped linearly to 0..255 (clamped), drawn row-major {@code columns}
 * per row, each pixel a {@code scale}×{@code scale} square, 2 pixels apart, under a title; optional labels name the
 * rows (a conditional GAN's classes) at their left. Drawn with the report's typeface ({@link ReportTypeface}), so it
 * renders on machines without fonts.
 */
public final class ImageGrid {
    private static final int GAP = 2;
    private static final int MARGIN = 16;
    private static final int TITLE_HEIGHT = 40;

    private final String title;
    private final float[] pixels; // [n, c, h, w]
    private final int count;
    private final int channels;
    private final int height;
    private final int width;
    private final int columns;
    private final double lo;
    private final double hi;
    private final int scale;
    private final List<String> rowLabels;

    static {
        // drawn off-screen, as the report's pictures (ReportFiles)
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /**
     * A grid of {@code images} [n, c, h, w] (c = 1 or 3), {@code columns} per row, values in [lo, hi], each pixel drawn
     * {@code scale}× wide and high; {@code rowLabels} (null: none) needs one label per row.
     */
    public ImageGrid(String title, Tensor images, int columns, double lo, double hi, int scale, List<String> rowLabels) {
        this.title = Objects.requireNonNull(title, "title");
        if (images.rank() != 4 || (images.dim(1) != 1 && images.dim(1) != 3)) {
            throw new IllegalArgumentException("ImageGrid: images must be [n, 1 or 3, h, w], got " + images.shape());
        }
        if (images.dim(0) < 1 || columns < 1 || scale < 1 || !(hi > lo)) {
            throw new IllegalArgumentException("ImageGrid: needs at least one image, columns >= 1, scale >= 1 and "
                    + "hi > lo; got " + images.dim(0) + " images, columns " + columns + ", scale " + scale + ", range ["
                    + lo + ", " + hi + "]");
        }
        this.count = (int) images.dim(0);
        this.channels = (int) images.dim(1);
        this.height = (int) images.dim(2);
        this.width = (int) images.dim(3);
        this.columns = columns;
        int rows = (count + columns - 1) / columns;
        if (rowLabels != null && rowLabels.size() != rows) {
            throw new IllegalArgumentException("ImageGrid: " + rowLabels.size() + " row labels for " + rows + " rows");
        }
        this.pixels = images.contiguous().toFloatArray();
        this.lo = lo;
        this.hi = hi;
        this.scale = scale;
        this.rowLabels = rowLabels == null ? null : List.copyOf(rowLabels);
    }

    /** Writes the grid to {@code png} atomically (a reader never sees half a file). */
    public void write(Path png) throws IOException {
        AtomicFile.write(png, draw(ReportTypeface.load()));
    }

    /** The grid as PNG bytes, its text in {@code typeface}. */
    byte[] draw(Font typeface) throws IOException {
        Font titleFont = typeface.deriveFont(Font.BOLD, 16f);
        Font labelFont = typeface.deriveFont(Font.PLAIN, 13f);
        int rows = (count + columns - 1) / columns;
        int cellW = width * scale + GAP;
        int cellH = height * scale + GAP;
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics titleMetrics = pg.getFontMetrics(titleFont);
        FontMetrics labelMetrics = pg.getFontMetrics(labelFont);
        pg.dispose();
        int labelW = 0;
        if (rowLabels != null) {
            for (String label : rowLabels) {
                labelW = Math.max(labelW, labelMetrics.stringWidth(label) + 8);
            }
        }
        int gridW = columns * cellW - GAP;
        int imageW = Math.max(labelW + gridW, titleMetrics.stringWidth(title)) + 2 * MARGIN;
        int imageH = TITLE_HEIGHT + rows * cellH - GAP + MARGIN;
        BufferedImage image = new BufferedImage(imageW, imageH, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, imageW, imageH);
        g.setColor(new Color(0x22, 0x22, 0x22));
        g.setFont(titleFont);
        g.drawString(title, (imageW - titleMetrics.stringWidth(title)) / 2f, 26f);
        int left = MARGIN + labelW + (imageW - 2 * MARGIN - labelW - gridW) / 2;
        if (rowLabels != null) {
            g.setFont(labelFont);
            for (int r = 0; r < rows; r++) {
                String label = rowLabels.get(r);
                int baseline = TITLE_HEIGHT + r * cellH + (height * scale + labelMetrics.getAscent()) / 2;
                g.drawString(label, left - 8 - labelMetrics.stringWidth(label), baseline);
            }
        }
        int plane = height * width;
        for (int i = 0; i < count; i++) {
            int x0 = left + (i % columns) * cellW;
            int y0 = TITLE_HEIGHT + (i / columns) * cellH;
            int base = i * channels * plane;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int[] level = new int[3]; // grey images repeat their one channel
                    for (int ch = 0; ch < 3; ch++) {
                        int c = Math.min(ch, channels - 1);
                        level[ch] = level(pixels[base + c * plane + y * width + x]);
                    }
                    g.setColor(new Color(level[0], level[1], level[2]));
                    g.fillRect(x0 + x * scale, y0 + y * scale, scale, scale);
                }
            }
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer in this Java runtime");
        }
        return out.toByteArray();
    }

    /** A value in [lo, hi] as 0..255; NaN draws as 0. */
    private int level(float v) {
        double unit = (v - lo) / (hi - lo);
        return Double.isNaN(unit) ? 0 : (int) Math.round(Math.clamp(unit, 0, 1) * 255);
    }
}
