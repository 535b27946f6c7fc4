package striate.text;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import striate.data.DataFileException;

/**
 * A training corpus read once into memory as word ids: the text is split as the original tool splits it (words
 * are separated by spaces, tabs and newlines; carriage returns are dropped; each newline is the sentence end
 * {@code </s>}), counted into a {@link Vocab}, and every token the vocabulary keeps becomes its id in
 * {@link #tokens()} (words under min-count are left out, as the tool skips them). The tool reads its file again on
 * every pass; we read it once. A folder corpus is all its regular files in name order, each split on its own (a
 * file's last word does not run into the next file's first).
 */
public record Corpus(Path source, Vocab vocab, int[] tokens, long rawTokens) {
    private static final int BUFFER = 1 << 16;

    /**
     * Reads {@code fileOrFolder} and keeps the words seen at least {@code minCount} times. An empty corpus, or one
     * where min-count keeps no word, is a {@link DataFileException} that says so and what to do.
     */
    public static Corpus read(Path fileOrFolder, int minCount) throws IOException {
        if (minCount < 1) {
            throw new IllegalArgumentException("min-count must be >= 1, got " + minCount);
        }
        List<Path> files = files(fileOrFolder);
        Tokenizer t = new Tokenizer();
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                t.read(f, in);
            }
        }
        if (t.words == 0) {
            throw new DataFileException(fileOrFolder, "holds no words (" + (files.size() == 1 ? "the file is" : "its "
                    + files.size() + " files are") + " empty or blank); give text with words separated by spaces "
                    + "and newlines");
        }
        String[] names = Arrays.copyOf(t.names, t.index.size()); // in order of first appearance
        long[] seen = new long[names.length];
        for (int i = 0; i < t.size; i++) {
            seen[t.ids[i]]++;
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        long most = 0;
        for (int i = 0; i < seen.length; i++) {
            counts.put(names[i], seen[i]);
            if (!names[i].equals(Vocab.SENTENCE_END)) {
                most = Math.max(most, seen[i]);
            }
        }
        Vocab vocab = Vocab.of(counts, minCount);
        if (vocab.size() < 2) {
            int distinct = counts.containsKey(Vocab.SENTENCE_END) ? counts.size() - 1 : counts.size();
            throw new DataFileException(fileOrFolder, "min-count " + minCount + " keeps none of its " + distinct
                    + " distinct words (" + t.words + " words in all; the most frequent occurs " + most + " times); "
                    + "give a min-count of at most " + most + " or a larger corpus");
        }
        int[] toVocab = new int[names.length];
        for (int i = 0; i < toVocab.length; i++) {
            toVocab[i] = vocab.indexOf(names[i]);
        }
        int[] tokens = new int[Math.toIntExact(vocab.totalCount())];
        int n = 0;
        for (int i = 0; i < t.size; i++) {
            int id = toVocab[t.ids[i]];
            if (id >= 0) {
                tokens[n++] = id;
            }
        }
        return new Corpus(fileOrFolder, vocab, tokens, t.size);
    }

    /** The corpus's tokens the vocabulary keeps (the array itself, not a copy: the trainer reads it in place). */
    @Override
    public int[] tokens() {
        return tokens;
    }

    /** How many tokens the vocabulary keeps (sentence ends included): the words one pass trains on. */
    public int trainWords() {
        return tokens.length;
    }

    private static List<Path> files(Path fileOrFolder) throws DataFileException {
        if (Files.isRegularFile(fileOrFolder)) {
            return List.of(fileOrFolder);
        }
        if (!Files.isDirectory(fileOrFolder)) {
            throw new DataFileException(fileOrFolder, "does not exist; give a text file or a folder of text files");
        }
        List<Path> files;
        try (Stream<Path> entries = Files.list(fileOrFolder)) {
            files = entries.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new DataFileException(fileOrFolder, "cannot be listed: " + e, e);
        }
        if (files.isEmpty()) { // outside the try: this error was caught above and wrapped as a listing failure
            throw new DataFileException(fileOrFolder, "is a folder without files; give a text file or a folder "
                    + "of text files");
        }
        return files;
    }

    /** Splits bytes into words as the tool does and numbers them in order of first appearance. */
    private static final class Tokenizer {
        private final Map<String, Integer> index = new HashMap<>();
        private String[] names = new String[0];
        private int[] ids = new int[1 << 16];
        private int size;
        private long words;
        private byte[] word = new byte[64];
        private int length;

        void read(Path file, InputStream in) throws IOException {
            byte[] buffer = new byte[BUFFER];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == ' ' || b == '\t' || b == '\n') {
                        endWord(file);
                        if (b == '\n') {
                            add(file, Vocab.SENTENCE_END);
                        }
                    } else if (b != '\r') {
                        if (length == word.length) {
                            word = Arrays.copyOf(word, length * 2);
                        }
                        word[length++] = b;
                    }
                }
            }
            endWord(file);
        }

        private void endWord(Path file) throws DataFileException {
            if (length > 0) {
                add(file, new String(word, 0, length, StandardCharsets.UTF_8));
                words++;
                length = 0;
            }
        }

        private void add(Path file, String w) throws DataFileException {
            Integer id = index.get(w);
            if (id == null) {
                id = index.size();
                index.put(w, id);
                if (id == names.length) {
                    names = Arrays.copyOf(names, Math.max(16, names.length * 2));
                }
                names[id] = w;
            }
            if (size == ids.length) {
                if (size == Integer.MAX_VALUE - 8) {
                    throw new DataFileException(file, "takes the corpus past " + size + " tokens, more than one "
                            + "array holds; train on a part of it");
                }
                ids = Arrays.copyOf(ids, (int) Math.min(Integer.MAX_VALUE - 8, size * 2L));
            }
            ids[size++] = id;
        }
    }
}
