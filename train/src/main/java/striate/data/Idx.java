package striate.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import striate.train.AtomicFile;

/**
 * Reads MNIST-format IDX files (http://yann.lecun.com/exdb/mnist/): a big-endian header (magic 0x0000, type
 * 0x08 = unsigned byte, dimension count, then each dimension as an int) followed by the data. Image files are
 * {@code 0x00000803} [count, rows, cols]; label files {@code 0x00000801} [count]. Gzip is detected by its magic
 * bytes 1f 8b, not by the file name. The payload must be exactly the size the header promises: a truncated
 * file, a broken gzip stream or trailing bytes are {@link DataFileException}s naming expected and actual sizes.
 * {@link #writeImages} and {@link #writeLabels} write the same formats (plain, through {@link AtomicFile}), e.g.
 * a GAN's samples.
 */
public final class Idx {
    /** Magic number of an unsigned-byte IDX file with 3 dimensions [count, rows, cols]. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an unsigned-byte IDX file with 1 dimension [count]. */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int UNSIGNED_BYTE = 0x08;
    private static final long MAX_PAYLOAD = Integer.MAX_VALUE - 8;
    private static final String FIX = "; re-download the file or reinstall the package that provides it";

    private Idx() {
    }

    /** Reads an image file ({@link #IMAGES_MAGIC}), plain or gzip. */
    public static IdxImages readImages(Path file) throws IOException {
        try (Source in = Source.open(file)) {
            int[] dims = in.header(IMAGES_MAGIC, "image", "[count, rows, cols]");
            int count = dims[0];
            int rows = dims[1];
            int cols = dims[2];
            if (rows == 0 || cols == 0) {
                throw new DataFileException(file, "header says images of " + rows + "x" + cols
                        + " pixels; rows and cols must be > 0" + FIX);
            }
            byte[] pixels = in.payload((long) count * rows * cols,
                    "count*rows*cols = " + count + "*" + rows + "*" + cols);
            return new IdxImages(count, rows, cols, pixels);
        }
    }

    /** Reads a label file ({@link #LABELS_MAGIC}), plain or gzip; labels are the unsigned bytes as ints. */
    public static int[] readLabels(Path file) throws IOException {
        try (Source in = Source.open(file)) {
            int count = in.header(LABELS_MAGIC, "label", "[count]")[0];
            byte[] bytes = in.payload(count, "count");
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = bytes[i] & 0xFF;
            }
            return labels;
        }
    }

    /** Writes {@code images} as a plain image file ({@link #IMAGES_MAGIC}), replacing {@code file} atomically. */
    public static void writeImages(Path file, IdxImages images) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(16 + images.pixels().length); // big-endian
        out.putInt(IMAGES_MAGIC).putInt(images.count()).putInt(images.rows()).putInt(images.cols());
        out.put(images.pixels());
        AtomicFile.write(file, out.array());
    }

    /** Writes {@code labels} (each in 0..255) as a plain label file ({@link #LABELS_MAGIC}), atomically. */
    public static void writeLabels(Path file, int[] labels) throws IOException {
        ByteBuffer out = ByteBuffer.allocate(8 + labels.length);
        out.putInt(LABELS_MAGIC).putInt(labels.length);
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > 255) {
                throw new IllegalArgumentException("label " + i + " is " + labels[i] + "; an IDX label file holds "
                        + "unsigned bytes, 0..255");
            }
            out.put((byte) labels[i]);
        }
        AtomicFile.write(file, out.array());
    }

    /** True if the file starts with the gzip magic bytes 1f 8b. */
    public static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /** An open IDX file, decompressing when gzip; counts the bytes read so errors can say how far it got. */
    private static final class Source implements AutoCloseable {
        private final Path file;
        private final InputStream in;
        private final boolean gzip;
        private long position;

        private Source(Path file, InputStream in, boolean gzip) {
            this.file = file;
            this.in = in;
            this.gzip = gzip;
        }

        static Source open(Path file) throws IOException {
            if (!Files.exists(file)) {
                throw new DataFileException(file, "file does not exist");
            }
            if (!Files.isRegularFile(file)) {
                throw new DataFileException(file, "is not a regular file; expected an IDX file");
            }
            BufferedInputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            try {
                raw.mark(2);
                boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
                raw.reset();
                if (!gzip) {
                    return new Source(file, raw, false);
                }
                try {
                    return new Source(file, new GZIPInputStream(raw, 1 << 16), true);
                } catch (IOException e) {
                    throw new DataFileException(file, "starts with the gzip magic 1f 8b but its gzip header is "
                            + "truncated or corrupt (" + e.getMessage() + ")" + FIX, e);
                }
            } catch (IOException | RuntimeException e) {
                raw.close();
                throw e;
            }
        }

        /** Reads and checks the header; returns the dimensions. */
        int[] header(int magic, String kind, String layout) throws IOException {
            int got = readInt("the 4-byte magic number");
            if ((got >>> 16) != 0) {
                throw new DataFileException(file, String.format("not an IDX file: starts with 0x%08x, an IDX %s file "
                        + "starts with 0x%08x; pass an IDX %s file (plain or gzip)", got, kind, magic, kind));
            }
            int type = (got >>> 8) & 0xFF;
            if (type != UNSIGNED_BYTE) {
                throw new DataFileException(file, String.format("IDX element type is 0x%02x, expected 0x08 "
                        + "(unsigned byte) for an MNIST-format %s file", type, kind));
            }
            int rank = got & 0xFF;
            int expectedRank = magic & 0xFF;
            if (rank != expectedRank) {
                String what = got == IMAGES_MAGIC ? " (this is an image file)"
                        : got == LABELS_MAGIC ? " (this is a label file)" : "";
                throw new DataFileException(file, String.format("magic 0x%08x says %d dimension(s)%s; an IDX %s "
                        + "file has magic 0x%08x and %d dimension(s) %s; check which file was passed",
                        got, rank, what, kind, magic, expectedRank, layout));
            }
            int[] dims = new int[rank];
            for (int d = 0; d < rank; d++) {
                dims[d] = readInt("dimension " + d + " of " + layout);
                if (dims[d] < 0) {
                    throw new DataFileException(file, "dimension " + d + " of " + layout + " is " + dims[d]
                            + " (negative); the header is corrupt" + FIX);
                }
            }
            return dims;
        }

        /** Reads exactly {@code size} bytes of data and checks that nothing follows them. */
        byte[] payload(long size, String formula) throws IOException {
            long headerBytes = position;
            String expected = "header " + headerBytes + " bytes + data " + formula + " = " + size + " bytes";
            if (size > MAX_PAYLOAD) {
                throw new DataFileException(file, "header promises " + expected + ", more than one Java array can "
                        + "hold (" + MAX_PAYLOAD + "); the header is corrupt or the file is not MNIST-sized");
            }
            byte[] data = new byte[(int) size];
            int n = 0;
            while (n < data.length) {
                int r = read(data, n, data.length - n, expected);
                if (r < 0) {
                    throw new DataFileException(file, (gzip ? "decompressed data is truncated" : "file is truncated")
                            + ": expected " + expected + ", found only " + n + " data bytes (" + (headerBytes + n)
                            + " bytes in all)" + FIX);
                }
                n += r;
            }
            long extra = 0;
            byte[] skip = new byte[8192];
            for (int r; (r = read(skip, 0, skip.length, expected)) >= 0; ) {
                extra += r;
            }
            if (extra > 0) {
                throw new DataFileException(file, "has " + extra + " byte(s) after the expected " + expected
                        + "; the header and the data disagree, the file is corrupt or not MNIST-format");
            }
            return data;
        }

        private int readInt(String what) throws IOException {
            byte[] b = new byte[4];
            int n = 0;
            while (n < 4) {
                int r = read(b, n, 4 - n, "an IDX header");
                if (r < 0) {
                    throw new DataFileException(file, "ends after " + (position) + " bytes, inside the IDX header"
                            + " (reading " + what + "); the file is truncated or not an IDX file" + FIX);
                }
                n += r;
            }
            return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        }

        private int read(byte[] b, int off, int len, String expected) throws IOException {
            int r;
            try {
                r = in.read(b, off, len);
            } catch (IOException e) {
                String what = gzip ? "gzip stream is truncated or corrupt" : "read failed";
                throw new DataFileException(file, what + " after " + position + (gzip ? " decompressed" : "")
                        + " bytes, expected "
                        + expected + " (" + e.getMessage() + ")" + FIX, e);
            }
            if (r > 0) {
                position += r;
            }
            return r;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
