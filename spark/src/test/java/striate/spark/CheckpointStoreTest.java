package striate.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.train.Checkpoint;

/**
 * --checkpoint-dir as a Hadoop URL (here Hadoop's local file system, file://, as hdfs:// would be) and as a path or
 * file: URL (the checkpoint format's own atomic file): the
 * checkpoint written is the one read back; a second replaces the first and leaves no partial file; a folder without
 * one reads as none; a damaged checkpoint's error names its URL, not the local copy it was read from.
 */
class CheckpointStoreTest {
    private static Checkpoint checkpoint(long step, float value) {
        return new Checkpoint("lenet5", "", Map.of("--seed", "7"), 0, step, Map.of(), List.of(),
                Map.of("w", Tensor.of(Device.cpu(), new float[] {value, 2 * value, -value}, 3)), Map.of(), Map.of());
    }

    @Test
    void aUrlsCheckpointIsWrittenReplacedAndReadBack(@TempDir Path tmp) throws IOException {
        Path folder = tmp.resolve("runs/a b"); // made by the store; a space in the URL's path
        // through Hadoop's FileSystem, as for hdfs:// (a file: URL given to open is read as a path); not escaped
        CheckpointStore store = CheckpointStore.throughHadoop("file://" + folder);
        assertTrue(Files.isDirectory(folder));
        assertNull(store.load(), "no checkpoint yet");
        assertEquals("file:" + folder.resolve(Worker.CHECKPOINT), store.location());

        store.save(checkpoint(4, 1.5f));
        store.save(checkpoint(8, 3f));
        Checkpoint back = store.load();
        assertEquals(8, back.globalStep());
        assertArrayEquals(new float[] {3f, 6f, -3f}, back.model().get("w").toFloatArray());
        assertEquals(8, Checkpoint.load(folder.resolve(Worker.CHECKPOINT)).globalStep(),
                "the file at the URL is an ordinary checkpoint");
        try (Stream<Path> files = Files.list(folder)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertTrue(names.stream().noneMatch(n -> n.endsWith(".part") || n.endsWith(".part.crc")),
                    "no partial file is left: " + names);
            assertTrue(names.contains(Worker.CHECKPOINT), names.toString());
        }
    }

    /**
     * On an object store Hadoop's replace deletes last.ckpt before it copies the new one there: a crash between leaves
     * only the temporary file, which a resumed stage reads (a partial one, from a crashed write, is passed over), and
     * the next checkpoint deletes both.
     */
    @Test
    void aReplaceThatStoppedBeforeItsCopyLeavesTheTemporaryFileToResumeFrom(@TempDir Path tmp) throws Exception {
        Path folder = tmp.resolve("runs");
        CheckpointStore store = CheckpointStore.throughHadoop("file://" + folder);
        store.save(checkpoint(4, 1.5f));
        Path complete = folder.resolve("." + Worker.CHECKPOINT + ".a.part");
        Files.move(folder.resolve(Worker.CHECKPOINT), complete); // stopped after Hadoop's delete, before its copy
        Path partial = folder.resolve("." + Worker.CHECKPOINT + ".b.part");
        byte[] bytes = Files.readAllBytes(complete);
        Files.write(partial, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // a newer write that did not finish
        Files.setLastModifiedTime(complete, java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        Files.setLastModifiedTime(partial, java.nio.file.attribute.FileTime.fromMillis(2_000_000));

        Checkpoint back = store.load();
        assertEquals(4, back.globalStep(), "the complete temporary file");
        assertTrue(store.loadedFrom().endsWith("/." + Worker.CHECKPOINT + ".a.part"), store.loadedFrom());
        assertArrayEquals(new float[] {1.5f, 3f, -1.5f}, back.model().get("w").toFloatArray());

        store.save(checkpoint(8, 3f));
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of(Worker.CHECKPOINT), files.map(p -> p.getFileName().toString())
                    .filter(n -> !n.endsWith(".crc")).toList(), "the stopped replaces' files are deleted");
        }
        assertNull(CheckpointStore.throughHadoop("file://" + tmp.resolve("empty")).load(), "nothing: no checkpoint");
    }

    @Test
    void aPathsOrFileUrlsCheckpointIsTheCheckpointFormatsOwnFile(@TempDir Path tmp) throws IOException {
        for (String dir : List.of(tmp.resolve("runs").toString(), "file://" + tmp.resolve("url runs"),
                "file:" + tmp.resolve("url2"))) {
            CheckpointStore store = CheckpointStore.open(dir);
            assertNull(store.load());
            store.save(checkpoint(3, 0.5f));
            Path file = Path.of(dir.replaceFirst("^file:(//)?", "")).resolve(Worker.CHECKPOINT);
            assertEquals(file.toString(), store.location(), "saved as a path: " + dir);
            assertEquals(3, Checkpoint.load(file).globalStep());
            assertEquals(3, store.load().globalStep());
            try (Stream<Path> files = Files.list(file.getParent())) {
                assertEquals(List.of(Worker.CHECKPOINT), files.map(p -> p.getFileName().toString()).toList(),
                        "no Hadoop .crc file beside it");
            }
        }
    }

    @Test
    void aDamagedCheckpointAtAUrlIsNamedByItsUrl(@TempDir Path tmp) throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("runs"));
        Files.write(folder.resolve(Worker.CHECKPOINT), new byte[] {1, 2, 3, 4});
        CheckpointStore store = CheckpointStore.throughHadoop(folder.toUri().toString());
        IOException e = assertThrows(IOException.class, store::load);
        assertTrue(e.getMessage().startsWith(store.location() + ": not a Striate checkpoint"), e.getMessage());
    }

    @Test
    void aUrlOfAnUnknownFileSystemIsOneErrorNamingIt() {
        IOException e = assertThrows(IOException.class, () -> CheckpointStore.open("nosuchfs://host/runs"));
        assertTrue(e.getMessage().startsWith("--checkpoint-dir nosuchfs://host/runs: not a folder this node can write"),
                e.getMessage());
        assertTrue(e.getMessage().contains("nosuchfs"), e.getMessage());
    }

    @Test
    void theDriversLineNamesTheCheckpointWithoutTouchingTheFileSystem() {
        assertEquals("hdfs://nn:8020/runs/lenet5/last.ckpt", CheckpointStore.location("hdfs://nn:8020/runs/lenet5"));
        assertEquals("/shared/runs/last.ckpt", CheckpointStore.location("/shared/runs"));
    }
}
