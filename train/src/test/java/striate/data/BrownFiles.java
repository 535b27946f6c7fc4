package striate.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Tiny Brown-format texts and documents written or built on the fly, for the tests' bad and edge cases. */
final class BrownFiles {

    private BrownFiles() {
    }

    static Path write(Path folder, String name, String text) {
        try {
            Files.createDirectories(folder);
            return Files.writeString(folder.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A document from lines of "word/tag word/tag ...", one sentence each. */
    static TaggedDocument document(String name, String... sentences) {
        List<TaggedSentence> out = new ArrayList<>();
        for (String line : sentences) {
            List<String> words = new ArrayList<>();
            List<String> tags = new ArrayList<>();
            for (String token : line.trim().split("\\s+")) {
                int slash = token.lastIndexOf('/');
                words.add(token.substring(0, slash));
                tags.add(token.substring(slash + 1));
            }
            out.add(new TaggedSentence(words, tags));
        }
        return new TaggedDocument(name, name.charAt(1), out);
    }
}
