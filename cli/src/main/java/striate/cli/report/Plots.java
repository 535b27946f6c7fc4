package striate.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler.LegendPosition;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;
import striate.data.Normalization;
import striate.tensor.Tensor;
import striate.train.EpochStats;

/**
 * The report's pictures, rendered headless to PNG bytes: per-epoch training and validation curves, and lines over
 * any x axis (XChart), and, drawn with Java2D, the confusion matrix as a heat map with counts, the first layer's
 * filters [k, c, kh, kw] as a grid of upscaled tiles, and misclassified images with "true → predicted" captions.
 * All text is drawn in the typeface given to the constructor ({@link ReportTypeface}), none in AWT's logical fonts.
 */
final class Plots {
    private static final Color INK = new Color(0x22, 0x22, 0x22);
    private static final Color MUTED = new Color(0x66, 0x66, 0x66);
    private static final Color LIGHT = new Color(0xF7, 0xFB, 0xFF); // heat map: share 0
    private static final Color DARK = new Color(0x08, 0x30, 0x6B); // heat map: share 1
    private static final Color ZERO = new Color(0xB8, 0xB8, 0xB8); // heat map: empty cells' "0"
    private static final int MARGIN = 24;
    static final int MAX_MISCLASSIFIED = 36;

    private final Font titleFont;
    private final Font labelFont;
    private final Font smallFont;

    /** Plots whose every text is drawn in {@code typeface} (never AWT's logical fonts, which need system fonts). */
    Plots(Font typeface) {
        titleFont = typeface.deriveFont(Font.BOLD, 18f);
        labelFont = typeface.deriveFont(Font.PLAIN, 14f);
        smallFont = typeface.deriveFont(Font.PLAIN, 12f);
    }

    /**
     * Training and validation values of {@code metric} per epoch, times {@code scale}; epochs without
     * validation (NaN) have no validation point.
     */
    byte[] curves(String title, String yTitle, List<EpochStats> history, ToDoubleFunction<EpochStats> train,
            ToDoubleFunction<EpochStats> validation, double scale, LegendPosition legend) throws IOException {
        XYChart chart = chart(title, "epoch", yTitle, legend);
        XYStyler s = chart.getStyler();
        s.setXAxisMin(0.5);
        s.setXAxisMax(history.getLast().epoch() + 0.5);
        s.setXAxisDecimalPattern("0");
        addSeries(chart, "train", history, train, scale, new Color(0x1F, 0x77, 0xB4));
        addSeries(chart, "validation", history, validation, scale, new Color(0xFF, 0x7F, 0x0E));
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * One line of {@link #lines}: points (x, y), those with a non-finite y left out; {@code markers} draws a dot at
     * each point, {@code dashed} a dashed line (a reference level), {@code line} false leaves only the markers.
     */
    record Line(String name, double[] x, double[] y, Color color, boolean markers, boolean dashed, boolean line) {
    }

    /** Lines over a shared x axis (e.g. a loss per training step), the y axis logarithmic when {@code logY}. */
    byte[] lines(String title, String xTitle, String yTitle, List<Line> lines, boolean logY, LegendPosition legend)
            throws IOException {
        XYChart chart = chart(title, xTitle, yTitle, legend);
        chart.getStyler().setYAxisLogarithmic(logY);
        for (Line l : lines) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int i = 0; i < l.x().length; i++) {
                if (Double.isFinite(l.y()[i]) && (!logY || l.y()[i] > 0)) {
                    x.add(l.x()[i]);
                    y.add(l.y()[i]);
                }
            }
            if (x.isEmpty()) {
                continue;
            }
            XYSeries series = chart.addSeries(l.name(), x, y);
            series.setLineColor(l.color());
            series.setMarkerColor(l.color());
            series.setMarker(l.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            series.setLineStyle(!l.line() ? SeriesLines.NONE : l.dashed() ? new BasicStroke(1.5f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f}, 0f) : new BasicStroke(2f));
        }
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    /** An empty 800×500 chart on white, every text in the report's typeface. */
    private XYChart chart(String title, String xTitle, String yTitle, LegendPosition legend) {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        XYStyler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(Color.LIGHT_GRAY);
        s.setPlotGridLinesColor(new Color(0xE4, 0xE4, 0xE4));
        s.setChartTitleBoxVisible(false);
        // every font XChart may draw with, so none falls back to the system's logical fonts
        s.setBaseFont(labelFont);
        s.setChartTitleFont(titleFont);
        s.setAxisTitleFont(labelFont);
        s.setAxisTickLabelsFont(smallFont);
        s.setLegendFont(labelFont);
        s.setAnnotationTextFont(smallFont);
        s.setAnnotationTextPanelFont(smallFont);
        s.setToolTipFont(smallFont);
        s.setCursorFont(smallFont);
        s.setChartButtonFont(smallFont);
        s.setLegendPosition(legend);
        s.setMarkerSize(8);
        s.setChartPadding(16);
        return chart;
    }

    private static void addSeries(XYChart chart, String name, List<EpochStats> history, ToDoubleFunction<EpochStats> f,
            double scale, Color color) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (EpochStats e : history) {
            double v = f.applyAsDouble(e);
            if (Double.isFinite(v)) {
                x.add((double) e.epoch());
                y.add(v * scale);
            }
        }
        if (!x.isEmpty()) {
            XYSeries series = chart.addSeries(name, x, y);
            series.setLineColor(color);
            series.setMarkerColor(color);
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setLineStyle(new BasicStroke(2.5f));
        }
    }

    /** The confusion matrix [actual][predicted] as a heat map; a cell's shade is its share of its row. */
    byte[] confusion(String title, long[][] m, List<String> names) throws IOException {
        int n = m.length;
        int cell = 64;
        FontMetrics label = metrics(labelFont);
        int maxName = names.stream().mapToInt(label::stringWidth).max().orElse(0);
        int lineHeight = label.getHeight();
        int gridLeft = MARGIN + lineHeight + 12 + maxName + 10;
        int gridTop = 78;
        int grid = n * cell;
        int rotated = (int) Math.ceil(maxName * Math.sqrt(0.5)) + lineHeight;
        int width = Math.max(gridLeft + grid + MARGIN, metrics(titleFont).stringWidth(title) + 2 * MARGIN);
        int height = gridTop + grid + 10 + rotated + 14 + lineHeight + MARGIN;
        BufferedImage image = canvas(width, height);
        Graphics2D g = graphics(image);

        int center = gridLeft + grid / 2;
        centered(g, titleFont, INK, title, center, 34);
        centered(g, smallFont, MUTED, "rows: actual class, columns: predicted class; shade = share of the actual class",
                center, 58);

        g.setFont(labelFont);
        for (int a = 0; a < n; a++) {
            long row = 0;
            for (long v : m[a]) {
                row += v;
            }
            for (int p = 0; p < n; p++) {
                double share = row == 0 ? 0 : (double) m[a][p] / row;
                int x = gridLeft + p * cell;
                int y = gridTop + a * cell;
                g.setColor(blend(LIGHT, DARK, share));
                g.fillRect(x, y, cell, cell);
                g.setColor(new Color(0xD0, 0xD0, 0xD0));
                g.drawRect(x, y, cell, cell);
                g.setColor(share > 0.5 ? Color.WHITE : m[a][p] == 0 ? ZERO : INK);
                String count = Long.toString(m[a][p]);
                g.drawString(count, x + (cell - label.stringWidth(count)) / 2,
                        y + (cell - lineHeight) / 2 + label.getAscent());
            }
            g.setColor(INK);
            String name = names.get(a);
            g.drawString(name, gridLeft - 10 - label.stringWidth(name),
                    gridTop + a * cell + (cell - lineHeight) / 2 + label.getAscent());
        }
        int labelTop = gridTop + grid + 10;
        for (int p = 0; p < n; p++) {
            AffineTransform saved = g.getTransform();
            g.translate(gridLeft + p * cell + cell / 2.0 + label.getAscent() / 3.0, labelTop);
            g.rotate(-Math.PI / 4);
            g.drawString(names.get(p), -label.stringWidth(names.get(p)), label.getAscent());
            g.setTransform(saved);
        }
        g.setFont(labelFont.deriveFont(Font.BOLD));
        centered(g, g.getFont(), INK, "predicted class", center, labelTop + rotated + 14 + label.getAscent());
        AffineTransform saved = g.getTransform();
        g.translate(MARGIN + label.getAscent(), gridTop + grid / 2.0);
        g.rotate(-Math.PI / 2);
        centered(g, g.getFont(), INK, "actual class", 0, 0);
        g.setTransform(saved);
        g.dispose();
        return png(image);
    }

    /**
     * The first layer's filters {@code w} [k, c, kh, kw], nearest-neighbour upscaled: one RGB tile per filter when
     * c = 3, else one grayscale tile per filter and channel; each tile min–max scaled (black = min, white = max).
     */
    byte[] filters(String title, Tensor w) throws IOException {
        int k = Math.toIntExact(w.dim(0));
        int c = Math.toIntExact(w.dim(1));
        int kh = Math.toIntExact(w.dim(2));
        int kw = Math.toIntExact(w.dim(3));
        float[] v = w.toFloatArray(); // [k, c, kh, kw]
        boolean rgb = c == 3;
        int tiles = rgb ? k : k * c;
        int scale = Math.max(1, 96 / Math.max(kh, kw));
        int tileW = kw * scale;
        int tileH = kh * scale;
        FontMetrics small = metrics(smallFont);
        List<String> names = new ArrayList<>();
        List<String> ranges = new ArrayList<>();
        float[][] bounds = new float[tiles][]; // [min, max] per tile
        for (int t = 0; t < tiles; t++) {
            int from = t * (rgb ? 3 : 1) * kh * kw;
            int to = from + (rgb ? 3 : 1) * kh * kw;
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) {
                min = Math.min(min, v[i]);
                max = Math.max(max, v[i]);
            }
            bounds[t] = new float[] {min, max};
            names.add(rgb || c == 1 ? "#" + t : "#" + t / c + " ch " + t % c);
            ranges.add(String.format(Locale.ROOT, "[%.2f, %.2f]", min, max));
        }
        int captionW = 0;
        for (int t = 0; t < tiles; t++) {
            captionW = Math.max(captionW, Math.max(small.stringWidth(names.get(t)), small.stringWidth(ranges.get(t))));
        }
        int cellW = Math.max(tileW, captionW) + 16;
        int cellH = tileH + 2 * small.getHeight() + 16;
        int cols = tiles <= 8 ? tiles : (int) Math.ceil(Math.sqrt(tiles));
        int rows = (tiles + cols - 1) / cols;
        String subtitle = (rgb ? "each filter" : "each tile") + " scaled to its own range: black = min, white = max";
        int titleW = Math.max(metrics(titleFont).stringWidth(title), small.stringWidth(subtitle));
        int width = Math.max(cols * cellW, titleW) + 2 * MARGIN;
        int top = 78;
        BufferedImage image = canvas(width, top + rows * cellH + MARGIN);
        Graphics2D g = graphics(image);
        centered(g, titleFont, INK, title, width / 2, 34);
        centered(g, smallFont, MUTED, subtitle, width / 2, 58);
        int left = (width - cols * cellW) / 2;
        for (int t = 0; t < tiles; t++) {
            int x = left + (t % cols) * cellW + (cellW - tileW) / 2;
            int y = top + (t / cols) * cellH;
            int base = t * (rgb ? 3 : 1) * kh * kw;
            float min = bounds[t][0];
            float range = bounds[t][1] - min;
            for (int i = 0; i < kh; i++) {
                for (int j = 0; j < kw; j++) {
                    int[] rgbValue = new int[3];
                    for (int ch = 0; ch < 3; ch++) {
                        float value = v[base + (rgb ? ch * kh * kw : 0) + i * kw + j];
                        rgbValue[ch] = range > 0 ? Math.round((value - min) / range * 255) : 128;
                    }
                    g.setColor(new Color(rgbValue[0], rgbValue[1], rgbValue[2]));
                    g.fillRect(x + j * scale, y + i * scale, scale, scale);
                }
            }
            g.setColor(Color.LIGHT_GRAY);
            g.drawRect(x - 1, y - 1, tileW + 1, tileH + 1);
            int cx = left + (t % cols) * cellW + cellW / 2;
            centered(g, smallFont, INK, names.get(t), cx, y + tileH + 4 + small.getAscent());
            centered(g, smallFont, MUTED, ranges.get(t), cx, y + tileH + 4 + small.getHeight() + small.getAscent());
        }
        g.dispose();
        return png(image);
    }

    /** Up to {@value #MAX_MISCLASSIFIED} images, 3× upscaled, with "true → predicted" captions. */
    byte[] misclassified(String title, List<Report.Example> examples, List<String> names,
                                List<Normalization> norm)
            throws IOException {
        List<Report.Example> shown = examples.subList(0, Math.min(MAX_MISCLASSIFIED, examples.size()));
        int scale = 3;
        FontMetrics small = metrics(smallFont);
        int imageW = 0;
        int imageH = 0;
        int captionW = 0;
        for (Report.Example e : shown) {
            imageW = Math.max(imageW, e.width() * scale);
            imageH = Math.max(imageH, e.height() * scale);
            captionW = Math.max(captionW, small.stringWidth(caption(e, names)));
        }
        int cellW = Math.max(imageW, captionW) + 14;
        int cellH = imageH + small.getHeight() + 14;
        int cols = Math.min(6, shown.size());
        int rows = (shown.size() + cols - 1) / cols;
        String subtitle = shown.size() < examples.size()
                ? "the first " + shown.size() + " of " + examples.size() + " given"
                : shown.size() + " image" + (shown.size() == 1 ? "" : "s");
        int width = Math.max(cols * cellW, metrics(titleFont).stringWidth(title)) + 2 * MARGIN;
        int top = 78;
        BufferedImage image = canvas(width, top + rows * cellH + MARGIN);
        Graphics2D g = graphics(image);
        centered(g, titleFont, INK, title, width / 2, 34);
        centered(g, smallFont, MUTED, subtitle, width / 2, 58);
        int left = (width - cols * cellW) / 2;
        for (int i = 0; i < shown.size(); i++) {
            Report.Example e = shown.get(i);
            int cx = left + (i % cols) * cellW + cellW / 2;
            int x = cx - e.width() * scale / 2;
            int y = top + (i / cols) * cellH;
            float[] px = e.pixels(); // [c, h, w]
            int plane = e.height() * e.width();
            for (int r = 0; r < e.height(); r++) {
                for (int col = 0; col < e.width(); col++) {
                    int[] level = new int[3]; // gray images repeat their one channel
                    for (int ch = 0; ch < 3; ch++) {
                        int c = Math.min(ch, e.channels() - 1);
                        Normalization n = norm.get(c);
                        double unit = px[c * plane + r * e.width() + col] * n.std() + n.mean();
                        level[ch] = (int) Math.round(Math.clamp(unit, 0, 1) * 255);
                    }
                    g.setColor(new Color(level[0], level[1], level[2]));
                    g.fillRect(x + col * scale, y + r * scale, scale, scale);
                }
            }
            centered(g, smallFont, INK, caption(e, names), cx, y + imageH + 4 + small.getAscent());
        }
        g.dispose();
        return png(image);
    }

    private static String caption(Report.Example e, List<String> names) {
        return names.get(e.actual()) + " → " + names.get(e.predicted());
    }

    private static BufferedImage canvas(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    private static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
        return g;
    }

    private static FontMetrics metrics(Font font) {
        Graphics2D g = graphics(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB));
        FontMetrics fm = g.getFontMetrics(font);
        g.dispose();
        return fm;
    }

    /** Draws {@code text} centred on {@code cx} with its baseline at {@code baseline}. */
    private static void centered(Graphics2D g, Font font, Color color, String text, double cx, double baseline) {
        g.setFont(font);
        g.setColor(color);
        g.drawString(text, (float) (cx - g.getFontMetrics().stringWidth(text) / 2.0), (float) baseline);
    }

    private static Color blend(Color from, Color to, double t) {
        return new Color((int) Math.round(from.getRed() + (to.getRed() - from.getRed()) * t),
                (int) Math.round(from.getGreen() + (to.getGreen() - from.getGreen()) * t),
                (int) Math.round(from.getBlue() + (to.getBlue() - from.getBlue()) * t));
    }

    private static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("no PNG writer available in this JVM");
        }
        return out.toByteArray();
    }
}
