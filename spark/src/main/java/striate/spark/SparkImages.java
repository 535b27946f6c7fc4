package striate.spark;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Images in the struct of Spark's {@code image} data source ({@code spark.read().format("image")}: origin, height,
 * width, nChannels, mode, data), whose data is decoded 8-bit pixels, row by row, in OpenCV's order: B, G, R (and A)
 * per pixel, or one gray byte. A worker holds its images encoded, so each struct becomes a PNG (lossless: decoding it
 * gives back the same pixels; alpha is dropped, as it is from any image a worker reads). Spark's decoder keeps only
 * the low byte of a 16-bit gray sample, so such a file's struct is not the file's image (read it with binaryFile).
 */
final class SparkImages {
    /** The struct's fields this reads, by name. */
    private static final List<String> FIELDS = List.of("origin", "height", "width", "nChannels", "data");

    private SparkImages() {
    }

    /** Whether {@code type} is the image data source's struct. */
    static boolean isImageStruct(DataType type) {
        if (!(type instanceof StructType struct)) {
            return false;
        }
        List<String> names = Arrays.stream(struct.fields()).map(StructField::name).toList();
        return names.containsAll(FIELDS) && struct.apply("data").dataType().equals(DataTypes.BinaryType);
    }

    /** Where the image came from: the struct's origin. */
    static String origin(Row image) {
        return image.getAs("origin");
    }

    /** The struct's pixels as a PNG file's bytes; a struct whose sizes and data disagree is an error naming it. */
    static byte[] png(Row image) {
        int height = image.<Integer>getAs("height");
        int width = image.<Integer>getAs("width");
        int channels = image.<Integer>getAs("nChannels");
        int mode = image.<Integer>getAs("mode");
        byte[] data = image.getAs("data");
        String where = origin(image);
        if (height == -1 || mode == -1) { // the source's row for a file it could not decode
            throw new IllegalArgumentException(where + ": Spark's image data source could not decode this file (its "
                    + "row has no pixels); remove it, or read with option(\"dropInvalid\", true)");
        }
        if (mode != (channels == 1 ? 0 : channels == 3 ? 16 : channels == 4 ? 24 : -2)) {
            throw new IllegalArgumentException(where + ": an image of " + channels + " channels in OpenCV mode "
                    + mode + "; the image data source gives 8-bit gray (1 channel, mode 0), BGR (3, mode 16) or BGRA "
                    + "(4, mode 24)");
        }
        if (height < 1 || width < 1 || data == null || data.length != (long) height * width * channels) {
            throw new IllegalArgumentException(where + ": " + (data == null ? "no" : data.length) + " bytes of data "
                    + "for an image of " + height + "x" + width + "x" + channels);
        }
        BufferedImage img = new BufferedImage(width, height, channels == 1 ? BufferedImage.TYPE_BYTE_GRAY
                : BufferedImage.TYPE_3BYTE_BGR);
        byte[] pixels = ((DataBufferByte) img.getRaster().getDataBuffer()).getData(); // B, G, R per pixel, or gray
        if (channels == 4) {
            for (int p = 0, q = 0; p < pixels.length; p += 3, q += 4) { // BGRA to BGR
                pixels[p] = data[q];
                pixels[p + 1] = data[q + 1];
                pixels[p + 2] = data[q + 2];
            }
        } else {
            System.arraycopy(data, 0, pixels, 0, data.length);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(where + ": could not encode its pixels as a PNG: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
