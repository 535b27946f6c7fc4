package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new run's folder: refused when it holds anything, created with its parents, taken back only while empty. */
class OutputFolderTest {
    @TempDir
    Path tmp;

    @Test
    void createsMissingFoldersAndRemovesThemWhileEmpty() throws IOException {
        Path out = tmp.resolve("a").resolve("b").resolve("run");
        OutputFolder folder = OutputFolder.create(out);
        assertTrue(Files.isDirectory(out));
        folder.removeIfEmpty();
        assertFalse(Files.exists(tmp.resolve("a")), "a, a/b and a/b/run were this run's");
        assertTrue(Files.isDirectory(tmp));
    }

    @Test
    void keepsAFolderTheRunWroteInto() throws IOException {
        Path out = tmp.resolve("a").resolve("run");
        OutputFolder folder = OutputFolder.create(out);
        Files.writeString(out.resolve("last.ckpt"), "x");
        folder.removeIfEmpty();
        assertTrue(Files.exists(out.resolve("last.ckpt")));
    }

    @Test
    void keepsAParentThatGotOtherFiles() throws IOException {
        Path out = tmp.resolve("a").resolve("run");
        OutputFolder folder = OutputFolder.create(out);
        Files.writeString(tmp.resolve("a").resolve("notes.txt"), "x");
        folder.removeIfEmpty();
        assertFalse(Files.exists(out));
        assertTrue(Files.exists(tmp.resolve("a").resolve("notes.txt")));
    }

    @Test
    void anEmptyFolderIsAcceptedAndNotRemoved() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("empty"));
        OutputFolder.create(out).removeIfEmpty();
        assertTrue(Files.isDirectory(out), "it was there before the run");
    }

    @Test
    void aFolderHoldingAnythingIsRefusedWithWhatItHolds() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("full"));
        for (String f : new String[] {"g.png", "f.png", "e.png", "d.png", "c.png", "b.png", "a.png"}) {
            Files.writeString(out.resolve(f), f);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OutputFolder.create(out));
        assertEquals(out + " is not empty (it holds a.png, b.png, c.png, d.png, e.png and 2 more); continue the run "
                + "in it with --resume, or choose a new or empty --out (nothing was overwritten)", e.getMessage());
        try (var listing = Files.list(out)) {
            assertEquals(7, listing.count());
        }
    }

    @Test
    void aCommandWithoutResumeIsNotToldToResume() throws IOException {
        Path out = Files.createDirectories(tmp.resolve("export"));
        Files.writeString(out.resolve("vocab.txt"), "<pad>");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OutputFolder.createWithoutResume(out));
        assertEquals(out + " is not empty (it holds vocab.txt); choose a new or empty --out (nothing was overwritten)",
                e.getMessage());
    }

    @Test
    void aFileInTheWayIsAnUnwritableFolder() throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "x");
        IOException e = assertThrows(IOException.class, () -> OutputFolder.create(file.resolve("run")));
        assertTrue(e.getMessage().startsWith("cannot write to the output folder " + file.resolve("run")), e.getMessage());
        assertEquals("x", Files.readString(file));
    }

    /** A folder holding only a killed run's unfinished file says so (it pointed to --resume, which found nothing). */
    @Test
    void onlyAKilledRunsUnfinishedFileIsNamedAsSuch(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path run = Files.createDirectory(dir.resolve("killed"));
        Files.createFile(run.resolve(".last.ckpt.abc123.tmp"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> OutputFolder.create(run));
        org.junit.jupiter.api.Assertions.assertEquals(run + " holds only .last.ckpt.abc123.tmp: unfinished files a "
                + "killed run left while writing (no checkpoint to resume from); delete them, or choose a new or "
                + "empty --out", e.getMessage());
    }
}
