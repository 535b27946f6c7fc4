package striate.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.Raster;

/**
 * A decoded image as 8-bit RGB, one packed {@code 0xRRGGBB} int per pixel, row-major [height, width]; alpha is
 * dropped (not blended), and a gray image has R = G = B. Plain 8- and 16-bit RGB and gray images (what ImageIO
 * makes of most PNGs and JPEGs) are read from the raster row by row, as stored; anything else (palettes, other
 * colour spaces) goes through {@link BufferedImage#getRGB}. Gray must not: getRGB treats gray samples as linear
 * light and brightens them (128 becomes 188).
 */
public record Pixels(int width, int height, int[] rgb) {

    /** {@code img}'s pixels, read as stored where it can be (gray as gray). */
    public static Pixels of(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] rgb = new int[w * h];
        ColorModel cm = img.getColorModel();
        ColorSpace cs = cm.getColorSpace();
        boolean plain = cm instanceof ComponentColorModel && !cm.isAlphaPremultiplied()
                && (cs.isCS_sRGB() || cs.getType() == ColorSpace.TYPE_GRAY) && cm.getComponentSize(0) <= 16;
        if (plain) {
            readRaster(img.getRaster(), cm.getNumColorComponents(), cm.getComponentSize(0), rgb, w, h);
        } else {
            img.getRGB(0, 0, w, h, rgb, 0, w);
            for (int p = 0; p < rgb.length; p++) {
                rgb[p] &= 0xFFFFFF;
            }
        }
        return new Pixels(w, h, rgb);
    }

    /** Packs the first 1 (gray) or 3 (R, G, B) bands of each pixel, scaled from {@code bits} to 8 bits. */
    private static void readRaster(Raster r, int colours, int bits, int[] rgb, int w, int h) {
        int bands = r.getNumBands();
        int max = (1 << bits) - 1;
        int[] row = new int[w * bands]; // [w, bands]
        for (int y = 0; y < h; y++) {
            r.getPixels(0, y, w, 1, row);
            for (int x = 0, s = 0; x < w; x++, s += bands) {
                int red = to8(row[s], bits, max);
                int green = colours == 3 ? to8(row[s + 1], bits, max) : red;
                int blue = colours == 3 ? to8(row[s + 2], bits, max) : red;
                rgb[y * w + x] = red << 16 | green << 8 | blue;
            }
        }
    }

    private static int to8(int sample, int bits, int max) {
        return bits == 8 ? sample : (sample * 255 + max / 2) / max;
    }
}
