package striate.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import striate.data.EncodedImages;

/**
 * The image data source's structs of pixels (BGR, BGRA or gray bytes) become PNGs whose decoded floats are those of
 * the original image's file, bit for bit; sizes that disagree with the data, a row the source could not decode and a
 * mode that is not 8-bit are errors naming the image.
 */
class SparkImagesTest {
    /** The image data source's schema (Spark's ImageSchema.columnSchema). */
    static final StructType SCHEMA = new StructType().add("origin", DataTypes.StringType)
            .add("height", DataTypes.IntegerType).add("width", DataTypes.IntegerType)
            .add("nChannels", DataTypes.IntegerType).add("mode", DataTypes.IntegerType)
            .add("data", DataTypes.BinaryType);

    /** {@code img}'s pixels as the image data source stores them, in {@code channels} channels (1, 3 or 4). */
    static Row struct(String origin, BufferedImage img, int channels) {
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] data = new byte[w * h * channels];
        for (int y = 0, q = 0; y < h; y++) {
            for (int x = 0; x < w; x++, q += channels) {
                int rgb = img.getRGB(x, y);
                if (channels == 1) { // a gray image's sample (getRGB would brighten it: gray is linear light to AWT)
                    data[q] = (byte) img.getRaster().getSample(x, y, 0);
                } else {
                    data[q] = (byte) rgb;
                    data[q + 1] = (byte) (rgb >> 8);
                    data[q + 2] = (byte) (rgb >> 16);
                    if (channels == 4) {
                        data[q + 3] = (byte) 0x80;
                    }
                }
            }
        }
        int mode = channels == 1 ? 0 : channels == 3 ? 16 : 24; // OpenCV's CV_8UC1, CV_8UC3, CV_8UC4
        return new GenericRowWithSchema(new Object[] {origin, h, w, channels, mode, data}, SCHEMA);
    }

    private static byte[] png(BufferedImage img) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static float[] decoded(byte[] file, int channels) {
        return EncodedImages.crops(new byte[][] {file}, new int[] {0}, new String[] {"x"}, 1, 20, 24, channels).image(0);
    }

    @Test
    void aStructsPixelsDecodeAsTheOriginalFileBitForBit() throws IOException {
        Random random = new Random(3);
        BufferedImage colour = new BufferedImage(31, 27, BufferedImage.TYPE_INT_RGB);
        BufferedImage gray = new BufferedImage(31, 27, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 27; y++) {
            for (int x = 0; x < 31; x++) {
                colour.setRGB(x, y, random.nextInt(1 << 24));
                gray.getRaster().setSample(x, y, 0, random.nextInt(256));
            }
        }
        for (int channels : new int[] {3, 4}) {
            assertArrayEquals(decoded(png(colour), 3), decoded(SparkImages.png(struct("c.png", colour, channels)), 3),
                    channels + " channels");
        }
        assertArrayEquals(decoded(png(gray), 1), decoded(SparkImages.png(struct("g.png", gray, 1)), 1), "gray");
        assertTrue(SparkImages.isImageStruct(SCHEMA));
        assertFalse(SparkImages.isImageStruct(DataTypes.BinaryType));
    }

    @Test
    void sizesThatDisagreeWithTheDataAreAnErrorNamingTheImage() {
        Row bad = new GenericRowWithSchema(new Object[] {"hdfs://nn/a.jpg", 4, 4, 3, 16, new byte[47]}, SCHEMA);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkImages.png(bad));
        assertTrue(e.getMessage().startsWith("hdfs://nn/a.jpg: 47 bytes of data for an image of 4x4x3"), e.getMessage());
        Row undecoded = new GenericRowWithSchema(new Object[] {"hdfs://nn/b.jpg", -1, -1, -1, -1, new byte[0]}, SCHEMA);
        e = assertThrows(IllegalArgumentException.class, () -> SparkImages.png(undecoded));
        assertTrue(e.getMessage().startsWith("hdfs://nn/b.jpg: Spark's image data source could not decode this file"),
                e.getMessage());
        Row sixteenBit = new GenericRowWithSchema(new Object[] {"hdfs://nn/c.png", 2, 2, 1, 2, new byte[8]}, SCHEMA);
        e = assertThrows(IllegalArgumentException.class, () -> SparkImages.png(sixteenBit));
        assertTrue(e.getMessage().startsWith("hdfs://nn/c.png: an image of 1 channels in OpenCV mode 2"), e.getMessage());
    }
}
