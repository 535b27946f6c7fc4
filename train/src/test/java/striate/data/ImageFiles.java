package striate.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Writes small test images whose pixels are known: solid colours and coordinate ramps, as PNG or JPEG. */
final class ImageFiles {
    private ImageFiles() {
    }

    /** A w x h image of one colour 0xRRGGBB. */
    static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    /** A ramp that encodes each pixel's position: red = 6x, green = 6y, blue = 0 (so w, h <= 42). */
    static BufferedImage ramp(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, 6 * x << 16 | 6 * y << 8);
            }
        }
        return img;
    }

    /** Writes img to root/dir/name in the format its extension names (png, jpg or jpeg, any case). */
    static Path write(Path root, String dir, String name, BufferedImage img) {
        try {
            Path file = root.resolve(dir).resolve(name);
            Files.createDirectories(file.getParent());
            String lower = name.toLowerCase(java.util.Locale.ROOT);
            String format = lower.endsWith(".png") ? "png" : "jpg";
            if (!ImageIO.write(img, format, file.toFile())) {
                throw new IllegalStateException("no ImageIO writer for " + format + " and " + img);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes raw bytes to root/dir/name (for corrupt or non-image files). */
    static Path bytes(Path root, String dir, String name, byte[] content) {
        try {
            Path file = root.resolve(dir).resolve(name);
            Files.createDirectories(file.getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
