package striate.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.DataFileException;

/**
 * The tool's vector file formats: text and binary round trips give the same words and the same float bits; files
 * laid out as the C tool writes them (text with "%lf" values and a trailing space, binary with its newlines) read
 * right; damaged files are one line naming the file and what is wrong, line or vector included.
 */
class WordVectorsTest {
    @TempDir
    Path tmp;

    private static WordVectors sample() {
        List<String> words = List.of("</s>", "the", "café", "x");
        float[] values = {0.1f, -2.5e-7f, 3.4028235e38f, 1f / 3, -0f, 123.456f, Float.MIN_VALUE, -1e-3f, 0.5f, 7f, -8f,
            9.999999f};
        return WordVectors.of(words, 3, values);
    }

    @Test
    void textAndBinaryRoundTripsKeepWordsAndBits() throws IOException {
        WordVectors v = sample();
        Path text = tmp.resolve("v.txt");
        Path binary = tmp.resolve("v.bin");
        v.writeText(text);
        v.writeBinary(binary);
        for (Path p : List.of(text, binary)) {
            WordVectors back = WordVectors.read(p);
            assertEquals(v.words(), back.words(), p.toString());
            assertEquals(3, back.dimension());
            assertEquals(4, back.size());
            assertArrayEquals(v.values(), back.values(), p.toString());
            assertEquals(2, back.indexOf("café"));
            assertEquals(-1, back.indexOf("absent"));
            assertArrayEquals(new float[] {Float.MIN_VALUE, -1e-3f, 0.5f}, back.vector(2));
        }
        assertTrue(Files.readString(text).startsWith("4 3\n</s> 0.1 -2.5E-7 3.4028235E38\nthe "));
        assertEquals(("4 3\n").length() + ("</s> ".length() + 13) + ("the ".length() + 13) + ("café ".length() + 1 + 13)
                + ("x ".length() + 13), Files.size(binary), "header, then word, space, 12 bytes and a newline each");
    }

    @Test
    void readsTheToolsOwnTextLayout() throws IOException {
        Path file = tmp.resolve("tool.txt");
        Files.writeString(file, "3 2\n</s> 0.004959 -0.003765 \nthe -0.125000 1.500000 \nof 2.000000 -0.000001 \n");
        WordVectors v = WordVectors.read(file);
        assertEquals(List.of("</s>", "the", "of"), v.words());
        assertArrayEquals(new float[] {0.004959f, -0.003765f, -0.125f, 1.5f, 2f, -0.000001f}, v.values());
    }

    @Test
    void readsTheToolsOwnBinaryLayout() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("2 3\n".getBytes(StandardCharsets.US_ASCII));
        float[][] rows = {{0.25f, -1f, 3e-5f}, {10f, 0f, -0.5f}};
        String[] words = {"</s>", "and"};
        for (int i = 0; i < 2; i++) {
            out.writeBytes((words[i] + " ").getBytes(StandardCharsets.UTF_8));
            ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(rows[i]);
            out.writeBytes(b.array());
            out.write('\n');
        }
        Path file = Files.write(tmp.resolve("tool.bin"), out.toByteArray());
        WordVectors v = WordVectors.read(file);
        assertEquals(List.of("</s>", "and"), v.words());
        assertArrayEquals(new float[] {0.25f, -1f, 3e-5f, 10f, 0f, -0.5f}, v.values());
    }

    private String error(String name, byte[] content) throws IOException {
        Path file = Files.write(tmp.resolve(name), content);
        DataFileException e = assertThrows(DataFileException.class, () -> WordVectors.read(file));
        assertEquals(file, e.file());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e.getMessage();
    }

    private String error(String name, String content) throws IOException {
        return error(name, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLineOfTheWrongDimensionIsNamed() throws IOException {
        String m = error("short.txt", "3 4\na 1 2 3 4\nb 1 2 3\nc 1 2 3 4\n");
        assertTrue(m.contains("line 3: 'b' has 3 values, the header's dimension is 4"), m);
        m = error("long.txt", "2 2\na 1 2\nb 1 2 3\n");
        assertTrue(m.contains("line 3: 'b' has 3 values, the header's dimension is 2"), m);
    }

    @Test
    void aTruncatedBinaryFileIsNamedAsSuch() throws IOException {
        Path good = tmp.resolve("good.bin");
        sample().writeBinary(good);
        byte[] all = Files.readAllBytes(good);
        String m = error("cut.bin", Arrays.copyOf(all, all.length - 6));
        assertTrue(m.contains("is truncated: vector 4 of the 4 its header promises (binary, 3 float32 each) 'x' has 7 "
                + "of its 12 bytes"), m);
        m = error("cut-word.bin", Arrays.copyOf(all, all.length - 14));
        assertTrue(m.contains("is truncated: vector 4 of the 4"), m);
        m = error("halved.bin", Arrays.copyOf(all, 30));
        assertTrue(m.contains("is truncated"), m);
    }

    @Test
    void aBinaryFileWhoseHeaderHasTheWrongDimensionIsCaught() throws IOException {
        Path good = tmp.resolve("good.bin");
        sample().writeBinary(good);
        byte[] all = Files.readAllBytes(good);
        byte[] wrong = ("4 2" + new String(all, StandardCharsets.ISO_8859_1).substring(3))
                .getBytes(StandardCharsets.ISO_8859_1);
        String m = error("wrong.bin", wrong);
        assertTrue(m.contains("vector 2 of 4: its word holds the control byte 0x0a; the header's dimension (2) is "
                + "wrong for the vectors"), m);
    }

    @Test
    void otherDamageIsOneClearLine() throws IOException {
        assertTrue(error("empty.txt", "").contains("is empty; expected a word2vec vector file"));
        assertTrue(error("header.txt", "hello world\n").contains("line 1: expected the header 'words dimension'"));
        assertTrue(error("zero.txt", "2 0\n").contains("needs words >= 0 and dimension >= 1"));
        assertTrue(error("few.txt", "3 2\na 1 2\nb 3 4\n").contains("is truncated: it holds 2 vectors, the header "
                + "promises 3"));
        assertTrue(error("nan.txt", "2 2\na 1 2\nb 3 x4\n").contains("line 3: value 2 of 'b', 'x4', is not a number"));
        assertTrue(error("more.txt", "1 2\na 1 2\nb 3 4\n").contains("holds more lines than the 1 vectors its header "
                + "promises"));
        assertTrue(error("huge.txt", "1000000 300\na 1 2\n").contains("is truncated or its header wrong"));
        Path missing = tmp.resolve("missing.bin");
        DataFileException e = assertThrows(DataFileException.class, () -> WordVectors.read(missing));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void writingReplacesAFileOnlyWhenComplete() throws IOException {
        Path file = tmp.resolve("v.txt");
        Files.writeString(file, "old");
        sample().writeText(file);
        assertEquals(4, WordVectors.read(file).size());
        try (var entries = Files.list(tmp)) {
            assertEquals(1, entries.count(), "no temporary file is left behind");
        }
    }

    @Test
    void wordsWithSpacesOrMismatchedValuesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> WordVectors.of(List.of("a b"), 1, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> WordVectors.of(List.of("a"), 2, new float[3]));
    }
}
