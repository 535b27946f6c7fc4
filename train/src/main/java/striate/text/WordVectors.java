package striate.text;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import striate.data.DataFileException;
import striate.train.AtomicFile;

/**
 * Word vectors in the original word2vec tool's file formats, so other tools read Striate's vectors and Striate
 * reads theirs. Both formats start with the header line "V dim". Text: then one line per word, the word and its
 * dim values separated by spaces (we write each value in the shortest form that reads back as the same float; the
 * tool writes "%lf" and a trailing space, which we read). Binary (the tool's -binary 1): then per word the word, a
 * space, dim little-endian float32 and a newline. {@link #read} tells them apart by the first vector's bytes.
 * Words are UTF-8 and hold no spaces; they keep file order, which is descending frequency for both tools.
 * Files are written atomically: a failed write leaves the destination as it was.
 */
public final class WordVectors {
    private final List<String> words;
    private final int dimension;
    private final float[] values; // [size, dimension]
    private final Map<String, Integer> index;

    private WordVectors(List<String> words, int dimension, float[] values) {
        this.words = List.copyOf(words);
        this.dimension = dimension;
        this.values = values;
        this.index = new HashMap<>(words.size() * 2);
        for (int i = 0; i < words.size(); i++) {
            index.putIfAbsent(words.get(i), i);
        }
    }

    /** Vectors for {@code words} from {@code values}, row-major [words.size(), dimension], taken without a copy. */
    public static WordVectors of(List<String> words, int dimension, float[] values) {
        if (dimension < 1 || values.length != (long) words.size() * dimension) {
            throw new IllegalArgumentException("word vectors: " + values.length + " values do not make "
                    + words.size() + " vectors of dimension " + dimension);
        }
        for (String w : words) {
            if (w.isEmpty() || w.chars().anyMatch(c -> c == ' ' || c == '\n' || c == '\t' || c == '\r')) {
                throw new IllegalArgumentException("word vectors: the word '" + w + "' is empty or holds whitespace; "
                        + "the vector file formats separate words by spaces");
            }
        }
        return new WordVectors(words, dimension, values);
    }

    /** Reads a vector file in the tool's text or binary format, whichever it is. */
    public static WordVectors read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataFileException(file, Files.exists(file) ? "is not a file; expected a word2vec vector file"
                    : "does not exist; expected a word2vec vector file (striate word2vec writes one)");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return new VectorFileReader(file, in, Files.size(file)).read();
        }
    }

    /** The words, in file order. */
    public List<String> words() {
        return words;
    }

    public int dimension() {
        return dimension;
    }

    public int size() {
        return words.size();
    }

    /** The word's position, or -1 when absent (the first one when a file repeats a word). */
    public int indexOf(String word) {
        Integer i = index.get(word);
        return i == null ? -1 : i;
    }

    /** A copy of the vector at {@code index}. */
    public float[] vector(int index) {
        float[] v = new float[dimension];
        System.arraycopy(values, Math.multiplyExact(index, dimension), v, 0, dimension);
        return v;
    }

    /** A copy of all the vectors, row-major [size, dimension]. */
    public float[] values() {
        return values.clone();
    }

    /** Writes the text format, atomically. */
    public void writeText(Path file) throws IOException {
        AtomicFile.write(file, channel -> {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            out.write(header());
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < words.size(); i++) {
                line.setLength(0);
                line.append(words.get(i));
                for (int j = 0; j < dimension; j++) {
                    line.append(' ').append(values[i * dimension + j]);
                }
                line.append('\n');
                out.write(line.toString().getBytes(StandardCharsets.UTF_8));
            }
            out.flush(); // not closed: AtomicFile forces and closes the channel
        });
    }

    /** Writes the binary format (the tool's -binary 1), atomically. */
    public void writeBinary(Path file) throws IOException {
        AtomicFile.write(file, channel -> {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            out.write(header());
            ByteBuffer row = ByteBuffer.allocate(dimension * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < words.size(); i++) {
                out.write(words.get(i).getBytes(StandardCharsets.UTF_8));
                out.write(' ');
                row.clear();
                row.asFloatBuffer().put(values, i * dimension, dimension);
                out.write(row.array());
                out.write('\n');
            }
            out.flush();
        });
    }

    private byte[] header() {
        return (words.size() + " " + dimension + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** For the reader: the words and values it parsed. */
    static WordVectors parsed(ArrayList<String> words, int dimension, float[] values) {
        return new WordVectors(words, dimension, values);
    }
}
