package striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code striate adding} at a CI size: sequences of T = 20, 600 steps of 50 fresh examples, 32 hidden units, Adam at
 * 0.01. The LSTM and the GRU solve it (held-out MSE under 0.01); the simple RNN, from the same seed on the same
 * examples, is still at the trivial predictor's MSE after those steps; the trivial predictor scores 1/6 on the
 * held-out examples. Bad options are one line, exit 2, and leave the output folder as it was.
 */
class AddingCommandTest {
    @TempDir
    Path tmp;

    /** The held-out MSE line of {@code cell}: final and best. */
    static double[] mse(String out, String cell) {
        Matcher m = Pattern.compile("(?m)^" + cell + ": held-out MSE ([0-9.]+) after 600 steps \\(best ([0-9.]+);")
                .matcher(out);
        assertTrue(m.find(), cell + " in: " + out);
        return new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    @Test
    void lstmAndGruSolveShortSequencesWhileTheRnnStaysAtTheTrivialLoss() throws IOException {
        Path out = tmp.resolve("adding");
        TrainCommandTest.Result r = TrainCommandTest.cli("adding", "--length", "20", "--steps", "600", "--hidden", "32",
                "--lr", "0.01", "--held-out", "1000", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        Matcher m = Pattern.compile("the trivial predictor's MSE is 0.1667 \\(([0-9.]+) on the held-out examples\\)")
                .matcher(r.out());
        assertTrue(m.find(), r.out());
        double trivial = Double.parseDouble(m.group(1));
        assertEquals(1.0 / 6, trivial, 0.02, "predicting 1 scores the target's variance: " + r.out());
        assertTrue(mse(r.out(), "lstm")[0] < 0.01, r.out());
        assertTrue(mse(r.out(), "gru")[0] < 0.01, r.out());
        assertTrue(mse(r.out(), "rnn")[1] > 0.1, "the RNN has learned nothing yet: " + r.out());
        assertTrue(r.out().matches("(?s).*\nlstm: held-out MSE [0-9.]+ after 600 steps \\(best [0-9.]+; under 0.01 "
                + "from step [0-9]+\\): solved, .*"), r.out());
        assertTrue(r.out().matches("(?s).*\nrnn: held-out MSE [0-9.]+ after 600 steps \\(best [0-9.]+; never under "
                + "0.01\\): not solved \\((9[0-9]|1[0-9][0-9])% of the trivial predictor's MSE\\).*"), r.out());
        String json = Files.readString(out.resolve("metrics.json"));
        assertTrue(json.contains("\"cell\": \"lstm\"") && json.contains("\"solved\": true")
                && json.contains("\"solved\": false") && json.contains("\"curve_step_heldout_train\""), json);
        assertTrue(Files.size(out.resolve("mse.png")) > 0);
    }

    @Test
    void badOptionsAreOneLineAndLeaveTheFolderAsItWas() throws IOException {
        Path out = tmp.resolve("taken");
        Files.createDirectories(out);
        Files.writeString(out.resolve("metrics.json"), "{}");
        TrainCommandTest.Result taken = TrainCommandTest.cli("adding", "--length", "10", "--steps", "100", "--out",
                out.toString());
        assertEquals(1, taken.code());
        assertTrue(taken.err().contains(out + " is not empty") && !taken.err().contains("--resume"), taken.err());
        assertArrayEquals("{}".getBytes(), Files.readAllBytes(out.resolve("metrics.json")));

        Path fresh = tmp.resolve("fresh");
        String[][] bad = {
            {"--cells", "rnn,transformer"}, {"--cells", "lstm,lstm"}, {"--length", "1"},
            {"--steps", "150", "--eval-every", "100"}, {"--lr", "0"}};
        String[] expected = {"--cells: unknown cell 'transformer'; cells: rnn, lstm, gru", "--cells names lstm twice",
            "--length must be >= 2", "--steps 150 is not a multiple of --eval-every 100", "--lr must be > 0"};
        for (int i = 0; i < bad.length; i++) {
            String[] args = new String[bad[i].length + 3];
            args[0] = "adding";
            args[1] = "--out";
            args[2] = fresh.toString();
            System.arraycopy(bad[i], 0, args, 3, bad[i].length);
            TrainCommandTest.Result r = TrainCommandTest.cli(args);
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("striate: " + expected[i]), r.err());
            assertFalse(Files.exists(fresh));
        }
    }
}
