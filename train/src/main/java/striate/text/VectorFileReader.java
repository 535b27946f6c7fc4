package striate.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.regex.Pattern;
import striate.data.DataFileException;

/**
 * Reads one word2vec vector file for {@link WordVectors#read}, streaming through a buffer (a file of millions of
 * words need not fit one array of bytes). After the header "V dim" it looks at the first vector: the bytes after
 * the first word are the text format's numbers when they are all digits, signs, points, exponents and spaces up to
 * the line's end, and the binary format's raw floats otherwise. Every problem is one {@link DataFileException}
 * naming the file, and the line (text) or the vector (binary).
 */
final class VectorFileReader {
    /** A text line's fields: a word and its values, separated by spaces or tabs. */
    private static final Pattern FIELDS = Pattern.compile("[ \t]+");
    private static final int LONGEST_WORD = 10_000;
    private static final int LONGEST_HEADER = 100;

    private final Path file;
    private final InputStream in;
    private final long fileSize;
    private byte[] buffer = new byte[1 << 16];
    private int pos;
    private int limit;

    VectorFileReader(Path file, InputStream in, long fileSize) {
        this.file = file;
        this.in = in;
        this.fileSize = fileSize;
    }

    WordVectors read() throws IOException {
        if (!available(1)) {
            throw new DataFileException(file, "is empty; expected a word2vec vector file: the header 'words dimension'"
                    + ", then one vector per word");
        }
        String header = line(LONGEST_HEADER);
        String[] parts = header == null ? new String[0] : header.trim().split("[ \t]+");
        long v;
        int dim;
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            v = Long.parseLong(parts[0]);
            dim = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new DataFileException(file, "line 1: expected the header 'words dimension' (two whole numbers) of a "
                    + "word2vec vector file, got '" + shortened(header) + "'");
        }
        if (v < 0 || dim < 1) {
            throw new DataFileException(file, "line 1: header '" + header.trim() + "' needs words >= 0 and dimension "
                    + ">= 1");
        }
        if (v * dim * 2 > fileSize || v * dim > Integer.MAX_VALUE - 8) {
            throw new DataFileException(file, "is truncated or its header wrong: the header promises " + v
                    + " vectors of dimension " + dim + ", which need more than the file's " + fileSize + " bytes");
        }
        int n = (int) v;
        float[] values = new float[n * dim]; // [V, dim]
        ArrayList<String> words = new ArrayList<>(n);
        if (n > 0 && isBinary(dim)) {
            readBinary(n, dim, words, values);
        } else {
            readText(n, dim, words, values);
        }
        return WordVectors.parsed(words, dim, values);
    }

    private void readText(int n, int dim, ArrayList<String> words, float[] values) throws IOException {
        for (int i = 0; i < n; i++) {
            long lineNumber = i + 2L;
            String line = line(Integer.MAX_VALUE - 16);
            if (line == null) {
                throw new DataFileException(file, "is truncated: it holds " + i + " vectors, the header promises " + n);
            }
            String[] parts = FIELDS.split(line.strip());
            if (parts.length == 1 && parts[0].isEmpty()) {
                throw new DataFileException(file, "line " + lineNumber + " is blank; expected a word and its " + dim
                        + " values");
            }
            if (parts.length - 1 != dim) {
                throw new DataFileException(file, "line " + lineNumber + ": '" + shortened(parts[0]) + "' has "
                        + (parts.length - 1) + " values, the header's dimension is " + dim + "; the file is damaged "
                        + "or not one set of vectors");
            }
            words.add(parts[0]);
            for (int j = 0; j < dim; j++) {
                try {
                    values[i * dim + j] = Float.parseFloat(parts[j + 1]);
                } catch (NumberFormatException e) {
                    throw new DataFileException(file, "line " + lineNumber + ": value " + (j + 1) + " of '"
                            + shortened(parts[0]) + "', '" + shortened(parts[j + 1]) + "', is not a number");
                }
            }
        }
        for (String rest = line(Integer.MAX_VALUE - 16); rest != null; rest = line(Integer.MAX_VALUE - 16)) {
            if (!rest.isBlank()) {
                throw new DataFileException(file, "holds more lines than the " + n + " vectors its header promises");
            }
        }
    }

    private void readBinary(int n, int dim, ArrayList<String> words, float[] values) throws IOException {
        int bytes = dim * Float.BYTES;
        for (int i = 0; i < n; i++) {
            skipNewlines();
            int length = 0;
            while (true) {
                if (!available(length + 1)) {
                    throw truncated(i, n, dim, length == 0 ? "ends before it" : "ends inside its word");
                }
                byte b = buffer[pos + length];
                if (b == ' ') {
                    break;
                }
                if (b == '\n' || b == '\t' || b == '\r') {
                    throw new DataFileException(file, "vector " + (i + 1) + " of " + n + ": its word holds the "
                            + "control byte 0x" + String.format("%02x", b) + ", which no word may hold; the header's "
                            + "dimension (" + dim + ") is wrong for the vectors, or this is not a word2vec binary "
                            + "vector file");
                }
                if (++length > LONGEST_WORD) {
                    throw new DataFileException(file, "vector " + (i + 1) + " of " + n + ": no space after its word "
                            + "within " + LONGEST_WORD + " bytes; not a word2vec binary vector file");
                }
            }
            String word = new String(buffer, pos, length, StandardCharsets.UTF_8);
            pos += length + 1;
            if (!available(bytes)) {
                throw truncated(i, n, dim, "'" + shortened(word) + "' has " + (limit - pos) + " of its " + bytes
                        + " bytes");
            }
            int at = i * dim;
            for (int j = 0; j < dim; j++, pos += 4) {
                values[at + j] = Float.intBitsToFloat((buffer[pos] & 0xff) | (buffer[pos + 1] & 0xff) << 8
                        | (buffer[pos + 2] & 0xff) << 16 | (buffer[pos + 3] & 0xff) << 24);
            }
            words.add(word);
        }
        skipNewlines();
        if (available(1)) {
            throw new DataFileException(file, "holds more data after the " + n + " vectors its header promises");
        }
    }

    private DataFileException truncated(int i, int n, int dim, String what) {
        return new DataFileException(file, "is truncated: vector " + (i + 1) + " of the " + n + " its header promises "
                + "(binary, " + dim + " float32 each) " + what);
    }

    /**
     * True when the first vector (after its word and a space) is binary: a byte that cannot be part of a text line
     * of numbers comes before the line's end, or no digit does.
     */
    private boolean isBinary(int dim) throws IOException {
        int window = LONGEST_WORD + dim * Float.BYTES + 2;
        available(window);
        int i = pos;
        int end = Math.min(limit, pos + window);
        while (i < end && buffer[i] == '\n') {
            i++;
        }
        while (i < end && buffer[i] != ' ') {
            i++;
        }
        boolean digit = false;
        for (i++; i < end && buffer[i] != '\n'; i++) {
            byte b = buffer[i];
            if (b >= '0' && b <= '9') {
                digit = true;
            } else if ("+-.eEnaNAifIF \t\r".indexOf(b) < 0) {
                return true;
            }
        }
        return !digit;
    }

    private void skipNewlines() throws IOException {
        while (available(1) && buffer[pos] == '\n') {
            pos++;
        }
    }

    /** The next line without its '\n' (UTF-8), or null at the end of the file. */
    private String line(int longest) throws IOException {
        if (!available(1)) {
            return null;
        }
        int length = 0;
        while (available(length + 1) && buffer[pos + length] != '\n') {
            if (++length > longest) {
                return new String(buffer, pos, longest, StandardCharsets.UTF_8);
            }
        }
        String s = new String(buffer, pos, length, StandardCharsets.UTF_8);
        pos += Math.min(length + 1, limit - pos);
        return s;
    }

    /** True when at least {@code n} bytes from pos are in the buffer (reading and growing it as needed). */
    private boolean available(int n) throws IOException {
        if (limit - pos >= n) {
            return true;
        }
        if (pos > 0) {
            System.arraycopy(buffer, pos, buffer, 0, limit - pos);
            limit -= pos;
            pos = 0;
        }
        if (n > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(n, buffer.length * 2));
        }
        while (limit < n) {
            int r = in.read(buffer, limit, buffer.length - limit);
            if (r < 0) {
                return false;
            }
            limit += r;
        }
        return true;
    }

    private static String shortened(String s) {
        return s == null ? "" : s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
