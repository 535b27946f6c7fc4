package striate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.SpamAssassin.Message;

/** The SpamAssassin reader on written folders: labels from groups, order, and each bad input as one clear line. */
class SpamAssassinFormatTest {
    @TempDir
    Path dir;

    static void write(Path folder, String group, String id, String text) throws IOException {
        Files.createDirectories(folder.resolve(group));
        String json = "{\"id\":\"" + id + "\",\"group\":\"" + group + "\",\"checksum\":{\"type\":\"MD5\",\"value\":"
                + "\"0\"},\"text\":\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"}";
        Files.writeString(folder.resolve(group).resolve(id + ".json"), json);
    }

    @Test
    void readsGroupsAsLabelsInCorpusOrder() throws IOException {
        write(dir, "spam-2", "00002", "Subject: win\n\nmoney");
        write(dir, "easy-ham-1", "00002", "Subject: b\n\nbody");
        write(dir, "easy-ham-1", "00001", "Subject: a\n\n\"quoted\" body");
        write(dir, "hard-ham-1", "00001", "Subject: c\n\nbody");
        Files.writeString(dir.resolve("easy-ham-1").resolve("README"), "not a message");
        SpamAssassin corpus = SpamAssassin.read(dir);
        assertEquals(List.of("easy-ham-1/00001", "easy-ham-1/00002", "hard-ham-1/00001", "spam-2/00002"),
                corpus.messages().stream().map(m -> m.group() + "/" + m.id()).toList());
        assertEquals(List.of(0, 0, 0, 1), corpus.messages().stream().map(Message::label).toList());
        assertEquals("Subject: a\n\n\"quoted\" body", corpus.messages().get(0).text());
        assertEquals(1, corpus.spamCount());
    }

    @Test
    void invalidJsonNamesTheFileLineAndColumn() throws IOException {
        write(dir, "spam-1", "00001", "fine");
        Path bad = dir.resolve("spam-1").resolve("00002.json");
        Files.writeString(bad, "{\"id\":\"00002\",\n\"group\":\"spam-1\",\n\"text\": \"cut off");
        DataFileException e = assertThrows(DataFileException.class, () -> SpamAssassin.read(dir));
        assertEquals(bad, e.file());
        assertTrue(e.getMessage().startsWith(bad + ": line 3, column "), e.getMessage());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void missingFieldsWrongTypesUnknownGroupsAndTrailingContentAreErrors() throws IOException {
        Path f = dir.resolve("m.json");
        Files.writeString(f, "{\"id\":\"1\",\"group\":\"spam-1\"}");
        assertTrue(assertThrows(DataFileException.class, () -> SpamAssassin.readMessage(f)).getMessage()
                .endsWith("missing \"text\""));
        Files.writeString(f, "{\"id\":\"1\",\"group\":\"spam-1\",\"text\":42}");
        assertTrue(assertThrows(DataFileException.class, () -> SpamAssassin.readMessage(f)).getMessage()
                .contains("\"text\" must be a string"));
        Files.writeString(f, "{\"id\":\"1\",\"group\":\"ham\",\"text\":\"x\"}");
        assertTrue(assertThrows(DataFileException.class, () -> SpamAssassin.readMessage(f)).getMessage()
                .contains("group \"ham\" is none of"));
        Files.writeString(f, "{\"id\":\"1\",\"group\":\"spam-1\",\"text\":\"x\"} {}");
        assertTrue(assertThrows(DataFileException.class, () -> SpamAssassin.readMessage(f)).getMessage()
                .contains("unexpected content after"));
        Files.writeString(f, "[1]");
        assertTrue(assertThrows(DataFileException.class, () -> SpamAssassin.readMessage(f)).getMessage()
                .contains("expected a JSON object"));
        Files.writeString(f, "{\"id\":\"1\",\"id\":\"2\",\"group\":\"spam-1\",\"text\":\"x\"}");
        assertTrue(assertThrows(DataFileException.class, () -> SpamAssassin.readMessage(f)).getMessage()
                .contains("Duplicate field 'id'"));
    }

    @Test
    void anEmptyOrMissingFolderSaysWhereTheCorpusComesFrom() throws IOException {
        Files.createDirectories(dir.resolve("spam-1"));
        DataFileException empty = assertThrows(DataFileException.class, () -> SpamAssassin.read(dir));
        assertTrue(empty.getMessage().contains("holds no SpamAssassin messages"), empty.getMessage());
        assertTrue(empty.getMessage().contains("bin/setup"), empty.getMessage());
        DataFileException missing = assertThrows(DataFileException.class,
                () -> SpamAssassin.read(dir.resolve("nowhere")));
        assertTrue(missing.getMessage().contains("folder does not exist"), missing.getMessage());
    }

    @Test
    void theSplitIsStratifiedSeededAndDisjoint() {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            messages.add(new Message(String.valueOf(i), i < 30 ? "spam-1" : "easy-ham-1", Path.of(i + ".json"),
                    "Subject: m" + i));
        }
        SpamSplit a = SpamSplit.of(messages, 42);
        assertEquals(List.of(80, 10, 10), List.of(a.train().size(), a.validation().size(), a.test().size()));
        assertEquals(3, a.test().stream().filter(Message::spam).count());
        assertEquals(3, a.validation().stream().filter(Message::spam).count());
        assertEquals(a, SpamSplit.of(messages, 42));
        assertTrue(!a.test().equals(SpamSplit.of(messages, 7).test()));
        List<Message> all = new ArrayList<>(a.train());
        all.addAll(a.validation());
        all.addAll(a.test());
        assertEquals(100, all.stream().distinct().count());
        List<Message> subset = SpamSplit.subset(messages, 20, 1);
        assertEquals(20, subset.size());
        assertEquals(6, subset.stream().filter(Message::spam).count());
    }

    @Test
    void theVocabularyComesFromTrainingMessagesOnly() {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            messages.add(new Message(String.valueOf(i), i < 10 ? "spam-1" : "easy-ham-1", Path.of(i + ".json"),
                    "Subject: s\n\ncommon " + (i < 10 ? "cash" : "meeting") + " only" + i));
        }
        SpamSplit split = SpamSplit.of(messages, 42);
        SpamData data = SpamData.of(split, new EmailTokenizer(400), 2, 100);
        Vocabulary v = data.vocabulary();
        assertEquals(List.of("<pad>", "<unk>", "common", "s"), v.tokens().subList(0, 4));
        assertTrue(v.contains("cash") && v.contains("meeting"));
        assertTrue(!v.contains("only0"), "words seen once are unknown");
        SpamData.Example e = data.test().get(0);
        assertEquals(4, e.ids().length);
        assertEquals(Vocabulary.UNK, e.ids()[3]);
        assertEquals(3, SpamData.of(split, new EmailTokenizer(400), 2, 3).vocabulary().size());
    }
}
