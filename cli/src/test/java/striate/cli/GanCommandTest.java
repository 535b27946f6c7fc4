package striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.Idx;
import striate.data.IdxImages;
import striate.data.MnistFolder;
import striate.models.LeNet5;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.train.Checkpoint;

/**
 * striate gan end to end: a short real-data run of the MLP GAN (losses moving, grids and samples written), a cgan run
 * on generated images scored by a LeNet, a resumed run, and the usage and data errors.
 */
class GanCommandTest {
    @TempDir
    static Path tmp;
    private static Path data;
    private static Path lenet;

    /** An MNIST-format folder of generated 28×28 images: 64 training and 100 test images, 10 classes. */
    @BeforeAll
    static void writeData() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        writeSet("train", 64, 1);
        writeSet("t10k", 100, 2);
        LeNet5 model = new LeNet5(LeNet5.Config.defaults(), 3);
        lenet = tmp.resolve("lenet.ckpt");
        new Checkpoint(LeNet5.NAME, model.config().toString(), 1, 1, Map.of(), List.of(), Checkpoint.stateOf(model),
                Map.of(), Map.of()).save(lenet);
    }

    private static void writeSet(String prefix, int n, long seed) throws IOException {
        Rng rng = new Rng(seed);
        byte[] px = new byte[n * 784];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 10;
            for (int p = 0; p < 784; p++) {
                int row = p / 28;
                px[i * 784 + p] = (byte) (row / 3 == y[i] ? 200 + rng.nextInt(56) : rng.nextInt(40));
            }
        }
        Idx.writeImages(data.resolve(prefix + "-images-idx3-ubyte"), new IdxImages(n, 28, 28, px));
        Idx.writeLabels(data.resolve(prefix + "-labels-idx1-ubyte"), y);
    }

    private static TrainCommandTest.Result gan(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "gan";
        System.arraycopy(args, 0, all, 1, args.length);
        return TrainCommandTest.cli(all);
    }

    private static double number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\": ([-0-9.Ee]+|null)").matcher(json);
        assertTrue(m.find(), field + " in " + json);
        return m.group(1).equals("null") ? Double.NaN : Double.parseDouble(m.group(1));
    }

    private static double spread(double[] v) {
        double mean = java.util.Arrays.stream(v).filter(Double::isFinite).average().orElseThrow();
        return Math.sqrt(java.util.Arrays.stream(v).filter(Double::isFinite).map(x -> (x - mean) * (x - mean))
                .average().orElseThrow());
    }

    @Test
    void shortRealDataRunMovesBothLossesAndWritesTheReport() throws IOException {
        Path fashion = MnistFolder.defaultFashionMnistFolder();
        assumeTrue(MnistFolder.isComplete(fashion), "Fashion-MNIST is not installed in " + fashion
                + " (bin/setup installs Debian's dataset-fashion-mnist)");
        Path out = tmp.resolve("real-gan");
        TrainCommandTest.Result r = gan("--model", "gan", "--limit", "1024", "--batch-size", "64", "--epochs", "1",
                "--samples", "100", "--seed", "1", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : List.of("epoch-001.png", "final.png", "interpolation.png", "losses.png", "metrics.json",
                GanCommand.SAMPLES, "last.ckpt")) {
            assertTrue(Files.size(out.resolve(f)) > 100, f);
        }
        Map<String, Tensor> state = Checkpoint.load(out.resolve("last.ckpt")).model();
        double[] d = state.get("history.d_loss").toDoubleArray();
        double[] g = state.get("history.g_loss").toDoubleArray();
        assertEquals(16, d.length);
        assertTrue(spread(d) > 1e-3 && spread(g) > 1e-3, "D " + java.util.Arrays.toString(d) + " G "
                + java.util.Arrays.toString(g));
        String json = Files.readString(out.resolve("metrics.json"));
        assertTrue(number(json, "images_per_second") > 0, json);
        assertEquals(16, number(json, "steps"));
        IdxImages s = Idx.readImages(out.resolve(GanCommand.SAMPLES));
        assertEquals(100, s.count());
    }

    @Test
    void cganSamplesEveryClassEvenlyAndIsScored() throws IOException {
        Path out = tmp.resolve("cgan");
        TrainCommandTest.Result r = gan("--model", "cgan", "--data", data.toString(), "--limit", "32",
                "--batch-size", "16", "--epochs", "1", "--samples", "100", "--fid-checkpoint", lenet.toString(),
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("FID-LeNet"), r.out());
        String json = Files.readString(out.resolve("metrics.json"));
        assertTrue(number(json, "fid_lenet") > 0, json);
        double accuracy = number(json, "label_accuracy");
        assertTrue(accuracy >= 0 && accuracy <= 1, json);
        int[] labels = Idx.readLabels(out.resolve(GanCommand.SAMPLE_LABELS));
        int[] counts = new int[10];
        for (int y : labels) {
            counts[y]++;
        }
        int[] ten = new int[10];
        java.util.Arrays.fill(ten, 10);
        assertArrayEquals(ten, counts);
        // the samples file's pixels are round((x + 1)·127.5): the extremes of tanh map to 0 and 255
        assertArrayEquals(new byte[] {0, 0, (byte) 128, (byte) 255, (byte) 255},
                GanCommand.pixels(new float[] {-1.5f, -1, 0.0039f, 1, 2}));
        assertTrue(Files.exists(out.resolve("final.png")));
    }

    @Test
    void aResumedRunContinuesWithItsRecordedOptions() throws IOException {
        Path out = tmp.resolve("resume");
        TrainCommandTest.Result first = gan("--model", "wgan", "--data", data.toString(), "--limit", "40",
                "--batch-size", "8", "--epochs", "1", "--samples", "20", "--seed", "3", "--out", out.toString());
        assertEquals(0, first.code(), first.err());
        Path last = out.resolve("last.ckpt");
        TrainCommandTest.Result conflict = gan("--out", out.toString(), "--resume", "--seed", "4", "--epochs", "2");
        assertEquals(2, conflict.code(), conflict.err());
        assertTrue(conflict.err().contains("--seed 4 (the run has 3)"), conflict.err());
        // the old form, --resume naming the checkpoint, is a usage error that says the new one
        TrainCommandTest.Result old = gan("--resume", last.toString(), "--epochs", "2");
        assertEquals(2, old.code(), old.err());
        assertEquals(1, old.err().lines().count(), old.err());
        assertTrue(old.err().contains("--resume takes no file") && old.err().contains("--out " + out + " --resume"),
                old.err());
        assertEquals(1, Checkpoint.load(last).epoch(), "the refused command trained nothing");
        TrainCommandTest.Result more = gan("--out", out.toString(), "--resume", "--epochs", "2", "--samples", "20");
        assertEquals(0, more.code(), more.err());
        assertTrue(more.out().contains("training wgan"), more.out());
        assertTrue(Files.exists(out.resolve("epoch-002.png")));
        String json = Files.readString(out.resolve("metrics.json"));
        assertEquals(2, number(json, "epochs"));
        assertEquals(10, number(json, "steps"));
        assertEquals(2, number(json, "generator_steps"));
        assertEquals(2, Checkpoint.load(last).epoch());
    }

    @Test
    void sigtermSaysWhichEpochLastCkptHoldsAndHowToContinue() throws Exception {
        Path out = tmp.resolve("signal");
        Path stdout = tmp.resolve("signal-out.txt");
        Path stderr = tmp.resolve("signal-err.txt");
        Process p = ChildCli.start(stdout, stderr, "gan", "--model", "gan", "--data", data.toString(),
                "--batch-size", "32", "--epochs", "1000", "--samples", "20", "--out", out.toString());
        Path last = out.resolve("last.ckpt");
        ChildCli.await(() -> Files.exists(last), p);
        p.destroy();
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        String err = Files.readString(stderr);
        assertEquals(143, p.exitValue(), err);
        int epoch = Checkpoint.load(last).epoch();
        assertTrue(err.contains("striate: stopped by a signal; " + last + " holds epoch " + epoch + " of 1000: "
                + "continue with striate gan --out " + ShutdownNotice.shellWord(out.toAbsolutePath().toString())
                + " --resume"), err);
        TrainCommandTest.Result resumed = gan("--out", out.toString(), "--resume", "--epochs",
                Integer.toString(epoch + 1));
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(epoch + 1, Checkpoint.load(last).epoch());
    }

    @Test
    void badOptionsAndDataAreOneLine() throws IOException {
        TrainCommandTest.Result model = gan("--model", "vae", "--out", tmp.resolve("x").toString());
        assertEquals(2, model.code());
        assertTrue(model.err().contains("unknown --model 'vae'") && model.err().contains("wgan-gp"), model.err());
        TrainCommandTest.Result fid = gan("--fid-checkpoint", tmp.resolve("none.ckpt").toString(), "--out",
                tmp.resolve("y").toString());
        assertEquals(2, fid.code());
        assertTrue(fid.err().contains("--fid-checkpoint"), fid.err());
        TrainCommandTest.Result few = gan("--model", "gan", "--data", data.toString(), "--limit", "10", "--out",
                tmp.resolve("few").toString());
        assertEquals(1, few.code());
        assertTrue(few.err().contains("fewer than one batch of 128"), few.err());
        assertTrue(!Files.exists(tmp.resolve("few")), "the failed run's new folder is removed");
        TrainCommandTest.Result all = gan("--model", "gan", "--data", data.toString(), "--out",
                tmp.resolve("few").toString()); // no --limit cut the 64 images: the file is named, not --limit
        assertEquals(1, all.code(), all.err());
        assertTrue(all.err().contains("train-images-idx3-ubyte holds 64 training images, fewer than one batch of 128; "
                + "lower --batch-size"), all.err());
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "mine");
        TrainCommandTest.Result busy = gan("--model", "gan", "--data", data.toString(), "--out", full.toString());
        assertEquals(1, busy.code());
        assertTrue(busy.err().contains("not empty") && busy.err().contains("keep.txt"), busy.err());
        TrainCommandTest.Result missing = gan("--data", tmp.resolve("nowhere").toString(), "--out",
                tmp.resolve("z").toString());
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains("nowhere"), missing.err());
        // an int overflow of 28·28·samples, or the heap, after training: now a usage error before anything
        TrainCommandTest.Result huge = gan("--samples", "2000000000", "--out", tmp.resolve("huge").toString());
        assertEquals(2, huge.code(), huge.err());
        assertTrue(huge.err().startsWith("striate: --samples must be in [2, 100000]"), huge.err());
        // a FID checkpoint that is not a LeNet-5's fails before training, not after it (leaving a half report)
        Path notLeNet = Files.write(tmp.resolve("garbage.ckpt"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        TrainCommandTest.Result fid2 = gan("--model", "gan", "--data", data.toString(), "--epochs", "1",
                "--fid-checkpoint", notLeNet.toString(), "--out", tmp.resolve("fid2").toString());
        assertEquals(1, fid2.code(), fid2.err());
        assertTrue(fid2.err().contains("garbage.ckpt") && !fid2.out().contains("epoch 1"), fid2.out() + fid2.err());
        assertFalse(Files.exists(tmp.resolve("fid2")), "the failed run's new folder is removed");
        // FID-LeNet against a test file of one image: refused before training (it failed after it)
        Path oneTest = Files.createDirectories(tmp.resolve("one-test"));
        Files.copy(data.resolve("train-images-idx3-ubyte"), oneTest.resolve("train-images-idx3-ubyte"));
        Files.copy(data.resolve("train-labels-idx1-ubyte"), oneTest.resolve("train-labels-idx1-ubyte"));
        TrainCommandTest.writeIdx(oneTest, "t10k", 1, 9);
        TrainCommandTest.Result fid3 = gan("--model", "gan", "--data", oneTest.toString(), "--epochs", "1",
                "--batch-size", "32", "--fid-checkpoint", lenet.toString(), "--out", tmp.resolve("fid3").toString());
        assertEquals(1, fid3.code(), fid3.err());
        assertTrue(fid3.err().contains("t10k-images-idx3-ubyte holds 1 test image; FID-LeNet fits a covariance")
                && !fid3.out().contains("epoch 1"), fid3.out() + fid3.err());
        // resuming a folder whose last.ckpt is another command's names the checkpoint's model, not --model
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.copy(lenet, other.resolve("last.ckpt"));
        TrainCommandTest.Result foreign = gan("--resume", "--out", other.toString());
        assertEquals(1, foreign.code(), foreign.err());
        assertTrue(foreign.err().contains("is a checkpoint of model 'lenet5', not a run of this command (its "
                + "checkpoints are of gan-gan, gan-dcgan, gan-wgan, gan-wgan-gp, gan-cgan)"), foreign.err());
    }
}
