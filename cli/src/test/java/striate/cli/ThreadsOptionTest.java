package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * --threads of the commands that mix {@link ThreadsOption} in: a negative count, or more than 4 per core (100,000
 * threads hung the start), is one usage line, nothing made.
 */
class ThreadsOptionTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"gan", "vae", "textcnn train"})
    void aNegativeThreadCountIsAUsageError(String command) {
        Path out = tmp.resolve("run");
        String[] words = command.split(" ");
        String[] args = new String[words.length + 4];
        System.arraycopy(words, 0, args, 0, words.length);
        System.arraycopy(new String[] {"--threads", "-1", "--out", out.toString()}, 0, args, words.length, 4);
        TrainCommandTest.Result r = TrainCommandTest.cli(args);
        assertEquals(2, r.code(), r.err());
        assertEquals("striate: --threads must be >= 0 (0: the cores), got -1. Run 'striate " + command + " --help' for "
                + "usage.", r.err().strip());
        assertFalse(java.nio.file.Files.exists(out), "a refused run makes no folder");
        assertTrue(r.out().isEmpty(), r.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gan", "vae", "textcnn train"})
    void moreThanFourThreadsPerCoreIsAUsageError(String command) {
        Path out = tmp.resolve("run");
        int cores = Runtime.getRuntime().availableProcessors();
        String[] words = command.split(" ");
        String[] args = new String[words.length + 4];
        System.arraycopy(words, 0, args, 0, words.length);
        System.arraycopy(new String[] {"--threads", Integer.toString(4 * cores + 1), "--out", out.toString()}, 0,
                args, words.length, 4);
        TrainCommandTest.Result r = TrainCommandTest.cli(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().startsWith("striate: --threads " + (4 * cores + 1) + " is more than 4 per core (" + cores
                + (cores == 1 ? " core" : " cores") + " here)"), r.err());
        assertFalse(java.nio.file.Files.exists(out), "a refused run makes no folder");
    }
}
