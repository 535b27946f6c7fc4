package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.models.LeNet5;
import striate.train.Checkpoint;

/** striate fid: the FID-LeNet of two idx files, and one-line errors for the wrong checkpoint or image size. */
class FidCommandTest {
    @TempDir
    static Path tmp;
    private static Path lenet;

    @BeforeAll
    static void writeACheckpoint() throws IOException {
        LeNet5 model = new LeNet5(LeNet5.Config.defaults(), 3);
        lenet = tmp.resolve("lenet.ckpt");
        new Checkpoint(LeNet5.NAME, model.config().toString(), 1, 1, Map.of(), List.of(), Checkpoint.stateOf(model),
                Map.of(), Map.of()).save(lenet);
    }

    @Test
    void aFileScoresZeroAgainstItselfAndMoreAgainstOtherImages() throws IOException {
        Path smooth = writeImages("smooth", 150, 28, 1, 60);
        Path noise = writeImages("noise", 150, 28, 2, 255);
        TrainCommandTest.Result same = TrainCommandTest.cli("fid", "--checkpoint", lenet.toString(), "--a",
                smooth.toString(), "--b", smooth.toString(), "--device", "reference");
        assertEquals(0, same.code(), same.err());
        assertEquals(0, score(same.out()), 1e-6, same.out());
        assertTrue(same.out().contains("150 images of " + smooth), same.out());

        TrainCommandTest.Result other = TrainCommandTest.cli("fid", "--checkpoint", lenet.toString(), "--a",
                smooth.toString(), "--b", noise.toString(), "--limit", "100", "--device", "reference");
        assertEquals(0, other.code(), other.err());
        assertTrue(score(other.out()) > 1e-3, other.out());
        assertTrue(other.out().contains("100 images of " + noise), other.out());
    }

    @Test
    void aCheckpointOfAnotherModelIsAOneLineError() throws IOException {
        Path alexnet = tmp.resolve("alexnet.ckpt");
        new Checkpoint("alexnet", "", 1, 1, Map.of(), List.of(), Map.of(), Map.of(), Map.of()).save(alexnet);
        Path images = writeImages("few", 10, 28, 1, 255);
        TrainCommandTest.Result r = TrainCommandTest.cli("fid", "--checkpoint", alexnet.toString(), "--a",
                images.toString(), "--b", images.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(alexnet.toString()) && r.err().contains("expected model 'lenet5'"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    @Test
    void imagesThatAreNot28x28AreAOneLineError() throws IOException {
        Path big = writeImages("big", 10, 32, 1, 255);
        Path small = writeImages("small", 10, 28, 1, 255);
        TrainCommandTest.Result r = TrainCommandTest.cli("fid", "--checkpoint", lenet.toString(), "--a",
                small.toString(), "--b", big.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("--b " + big) && r.err().contains("32x32"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
    }

    private static double score(String out) {
        Matcher m = Pattern.compile("FID-LeNet (-?[0-9.]+) ").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }

    /** An idx3 file of {@code n} size×size images with random pixels in [0, max]. */
    private static Path writeImages(String name, int n, int size, long seed, int max) throws IOException {
        Path file = tmp.resolve(name + "-images-idx3-ubyte");
        Random rng = new Random(seed);
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(0x803);
            out.writeInt(n);
            out.writeInt(size);
            out.writeInt(size);
            for (int i = 0; i < n * size * size; i++) {
                out.writeByte(rng.nextInt(max + 1));
            }
        }
        return file;
    }
}
