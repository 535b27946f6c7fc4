package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * --out and --resume of every training command that keeps checkpoints ({@link RunOutput}): each command's help names
 * its default folder and exactly the options its resumed runs may change, and a folder that cannot be made or a
 * --resume with nothing to continue is one line and a non-zero exit, before anything is written.
 */
class RunOutputTest {
    /** The commands that mix RunOutput in, and the options a resumed run of each may give anew. */
    private static final Map<String, Set<String>> MAY_CHANGE = Map.of(
            "train", TrainCommand.MAY_CHANGE,
            "gan", GanCommand.MAY_CHANGE,
            "vae", VaeCommand.MAY_CHANGE,
            "textcnn train", TextCnnTrainCommand.MAY_CHANGE,
            "tagger train", TaggerTrainCommand.MAY_CHANGE,
            "charlm train", CharLmTrainCommand.MAY_CHANGE);

    @TempDir
    Path tmp;

    private static CommandSpec spec(String command) {
        CommandLine c = new CommandLine(new Main());
        for (String name : command.split(" ")) {
            c = c.getSubcommands().get(name);
        }
        return c.getCommandSpec();
    }

    private static TrainCommandTest.Result cli(String command, String... args) {
        String[] words = command.split(" ");
        String[] all = new String[words.length + args.length];
        System.arraycopy(words, 0, all, 0, words.length);
        System.arraycopy(args, 0, all, words.length, args.length);
        return TrainCommandTest.cli(all);
    }

    @Test
    void eachCommandsHelpNamesItsDefaultFolderAndWhatAResumedRunMayChange() {
        for (Map.Entry<String, Set<String>> e : MAY_CHANGE.entrySet()) {
            CommandSpec spec = spec(e.getKey());
            String out = String.join(" ", spec.findOption("--out").description());
            assertTrue(out.matches("Output folder for checkpoints and the report \\(default: runs/[a-z<>]+\\)\\."),
                    e.getKey() + ": " + out);
            String resume = String.join(" ", spec.findOption("--resume").description());
            assertTrue(resume.startsWith("Continue the run in --out from its last checkpoint, with the options it "
                    + "recorded; only "), e.getKey() + ": " + resume);
            Set<String> named = new TreeSet<>();
            Matcher m = Pattern.compile("(--[a-z-]+)(\\(s\\))?").matcher(resume);
            while (m.find()) {
                named.add(m.group(1));
                if (m.group(2) != null) {
                    named.add(m.group(1) + "s");
                }
            }
            named.remove("--out");
            assertEquals(new TreeSet<>(e.getValue()), named, e.getKey() + ": " + resume);
        }
    }

    @Test
    void everyCommandWithResumeIsOneOfThese() {
        Set<String> found = new TreeSet<>();
        collectResuming(new CommandLine(new Main()), found);
        assertEquals(new TreeSet<>(MAY_CHANGE.keySet()), found, "a command with --resume needs its help lines in "
                + "RunOutput.properties and a row here");
    }

    private static void collectResuming(CommandLine c, Set<String> found) {
        if (c.getCommandSpec().findOption("--resume") != null) {
            found.add(c.getCommandSpec().qualifiedName(" ").substring("striate ".length()));
        }
        c.getSubcommands().values().stream().distinct().forEach(sub -> collectResuming(sub, found));
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "gan", "vae", "textcnn train", "tagger train", "charlm train"})
    void resumeWithoutACheckpointIsOneLine(String command) throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        TrainCommandTest.Result r = cli(command, "--out", empty.toString(), "--resume");
        assertEquals(1, r.code(), r.err());
        assertEquals("striate: error: --resume: there is no last.ckpt in " + empty + " to continue from (--verbose "
                + "shows details)", r.err().strip());
        Path missing = tmp.resolve("missing").resolve("run");
        TrainCommandTest.Result none = cli(command, "--out", missing.toString(), "--resume");
        assertEquals(1, none.code(), none.err());
        assertEquals(1, none.err().lines().count(), none.err());
        assertTrue(none.err().contains("there is no last.ckpt in " + missing), none.err());
        assertFalse(Files.exists(tmp.resolve("missing")), "--resume makes no folder");
    }

    @ParameterizedTest
    @ValueSource(strings = {"train", "gan", "vae", "textcnn train", "tagger train", "charlm train"})
    void anOutWhoseParentIsAFileIsOneLine(String command) throws IOException {
        Path file = Files.writeString(tmp.resolve("file"), "not a folder");
        Path out = file.resolve("run");
        TrainCommandTest.Result r = cli(command, "--out", out.toString());
        assertEquals(1, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("striate: error: cannot write to the output folder " + out + " (")
                && r.err().contains("); choose a writable --out"), r.err());
        assertEquals("not a folder", Files.readString(file));
    }
}
