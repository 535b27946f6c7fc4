package striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import striate.tensor.Rng;
import striate.train.Checkpoint;
import striate.train.Trainer;

/**
 * train / evaluate / predict end to end on a small generated MNIST-format folder (three classes: a bright
 * square in one of three places), and every bad input the issue lists: a clear one-line error, a non-zero exit
 * code, and nothing overwritten.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainCommandTest {
    @TempDir
    static Path tmp;
    static Path data;
    static Path run;

    record Result(int code, String out, String err) {
    }

    static Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    /** Image i of class k: a 10×10 square of 255 at one of three places, plus noise. */
    static byte[] image(Rng rng, int k) {
        byte[] px = new byte[28 * 28];
        int top = 3 + 6 * k;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                boolean on = y >= top && y < top + 10 && x >= top && x < top + 10;
                int v = (on ? 220 : 10) + rng.nextInt(30);
                px[y * 28 + x] = (byte) Math.min(255, v);
            }
        }
        return px;
    }

    /** {@code n} black {@code side}×{@code side} images of class 0, as MNIST-format files {@code prefix}-*. */
    static void writeBlankIdx(Path dir, String prefix, int n, int side) throws IOException {
        try (DataOutputStream img = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte")));
             DataOutputStream lab = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
            img.writeInt(0x803);
            img.writeInt(n);
            img.writeInt(side);
            img.writeInt(side);
            img.write(new byte[n * side * side]);
            lab.writeInt(0x801);
            lab.writeInt(n);
            lab.write(new byte[n]);
        }
    }

    static void writeIdx(Path dir, String prefix, int n, long seed) throws IOException {
        Rng rng = new Rng(seed);
        try (DataOutputStream img = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-images-idx3-ubyte")));
             DataOutputStream lab = new DataOutputStream(Files.newOutputStream(dir.resolve(prefix + "-labels-idx1-ubyte")))) {
            img.writeInt(0x803);
            img.writeInt(n);
            img.writeInt(28);
            img.writeInt(28);
            lab.writeInt(0x801);
            lab.writeInt(n);
            for (int i = 0; i < n; i++) {
                int k = rng.nextInt(3);
                img.write(image(rng, k));
                lab.writeByte(k);
            }
        }
    }

    @BeforeAll
    static void generateData() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        writeIdx(data, "train", 1600, 1);
        writeIdx(data, "t10k", 150, 2);
        run = tmp.resolve("run");
    }

    @Test
    @Order(1)
    void trainWritesCheckpointsAndAReport() throws IOException {
        Result r = cli("train", "--data", data.toString(), "--epochs", "2", "--batch-size", "32",
                "--validation", "100", "--out", run.toString(), "--seed", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("test accuracy"), r.out());
        for (String f : new String[] {Trainer.LAST, Trainer.BEST, "metrics.json", "loss.png", "accuracy.png",
                "confusion.png", "filters.png"}) {
            assertTrue(Files.size(run.resolve(f)) > 0, f);
        }
        String json = Files.readString(run.resolve("metrics.json"));
        Matcher m = Pattern.compile("\"test_accuracy\"\\s*:\\s*([0-9.]+)").matcher(json);
        assertTrue(m.find(), json);
        assertTrue(Double.parseDouble(m.group(1)) > 0.9, "three easy classes are learned: " + m.group(1));
        assertTrue(json.contains("\"epochs\"") && json.contains("\"train_images_per_second\""), json);
    }

    /**
     * MNIST-format data of other classes (MNIST's digits, say) names them with --class-names, which the checkpoint
     * records for evaluate and predict; ten names or none, and not for alexnet.
     */
    @Test
    void classNamesOfOtherMnistFormatDataReachTheReportEvaluateAndPredict() throws IOException {
        String names = "zero,one,two,three,four,five,six,seven,eight,nine";
        Path out = tmp.resolve("digits");
        Result r = cli("train", "--data", data.toString(), "--epochs", "1", "--batch-size", "32", "--limit", "320",
                "--validation", "100", "--out", out.toString(), "--class-names", names);
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(out.resolve("metrics.json")).contains("\"zero\""), "the report's classes");
        Result e = cli("evaluate", "--checkpoint", out.resolve(Trainer.LAST).toString(), "--data", data.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("zero") && !e.out().contains("T-shirt"), e.out());
        Path png = tmp.resolve("digit.png");
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(28, 28,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        javax.imageio.ImageIO.write(img, "png", png.toFile());
        Result p = cli("predict", "--checkpoint", out.resolve(Trainer.LAST).toString(), png.toString());
        assertEquals(0, p.code(), p.err());
        String predicted = p.out().strip().substring((png + ": ").length()).split(" ")[0];
        assertTrue(List.of(names.split(",")).contains(predicted), p.out());

        Result nine = cli("train", "--data", data.toString(), "--out", tmp.resolve("nine").toString(),
                "--class-names", "a,b,c,d,e,f,g,h,i");
        assertEquals(2, nine.code(), nine.err());
        assertTrue(nine.err().contains("--class-names takes 10 names, in label order, none empty and none with a "
                + "comma, got 9"), nine.err());
        Result quoted = cli("train", "--data", data.toString(), "--out", tmp.resolve("quoted").toString(),
                "--class-names", "\"a,b\",c,d,e,f,g,h,i,j,k"); // picocli keeps "a,b" whole: the record would split it
        assertEquals(2, quoted.code(), quoted.err());
        Result alexnet = cli("train", "--model", "alexnet", "--data", data.toString(), "--out",
                tmp.resolve("alex").toString(), "--class-names", names);
        assertEquals(2, alexnet.code(), alexnet.err());
        assertTrue(alexnet.err().contains("--class-names is for lenet5"), alexnet.err());
    }

    @Test
    @Order(2)
    void evaluateAndPredictUseTheCheckpoint() throws IOException {
        Result e = cli("evaluate", "--checkpoint", run.resolve(Trainer.BEST).toString(), "--data", data.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("test accuracy"), e.out());

        Path png = tmp.resolve("square.png");
        BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        byte[] px = image(new Rng(5), 2);
        for (int i = 0; i < px.length; i++) {
            img.getRaster().setSample(i % 28, i / 28, 0, px[i] & 255);
        }
        ImageIO.write(img, "png", png.toFile());
        Result p = cli("predict", "--checkpoint", run.resolve(Trainer.BEST).toString(), png.toString());
        assertEquals(0, p.code(), p.err());
        assertTrue(p.out().startsWith(png + ": Pullover"), "class 2 is Fashion-MNIST's 'Pullover': " + p.out());

        Path big = tmp.resolve("big.png");
        ImageIO.write(new BufferedImage(56, 40, BufferedImage.TYPE_BYTE_GRAY), "png", big.toFile());
        Result wrong = cli("predict", "--checkpoint", run.resolve(Trainer.BEST).toString(), big.toString());
        assertEquals(1, wrong.code());
        assertTrue(wrong.err().contains("56x40") && wrong.err().contains("--resize"), wrong.err());
        assertEquals(0, cli("predict", "--resize", "--checkpoint", run.resolve(Trainer.BEST).toString(),
                big.toString()).code());
        Path text = Files.writeString(tmp.resolve("notes.png"), "not an image");
        Result notImage = cli("predict", "--checkpoint", run.resolve(Trainer.BEST).toString(), text.toString());
        assertEquals(1, notImage.code());
        assertTrue(notImage.err().contains("not an image"), notImage.err());
    }

    @Test
    @Order(3)
    void anExistingRunIsNeverOverwrittenAndResumeContinuesIt() throws IOException {
        byte[] before = Files.readAllBytes(run.resolve(Trainer.LAST));
        Result again = cli("train", "--data", data.toString(), "--epochs", "1", "--validation", "100", "--out",
                run.toString());
        assertEquals(1, again.code());
        assertTrue(again.err().contains(run + " is not empty (it holds accuracy.png, best.ckpt, confusion.png, "
                + "filters.png, last.ckpt and ") && again.err().contains("--resume"), again.err());
        assertArrayEquals(before, Files.readAllBytes(run.resolve(Trainer.LAST)));

        Result resumed = cli("train", "--data", data.toString(), "--epochs", "3", "--batch-size", "32",
                "--validation", "100", "--out", run.toString(), "--seed", "3", "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        assertEquals(3, Checkpoint.load(run.resolve(Trainer.LAST)).epoch());
        assertEquals(3, Checkpoint.load(run.resolve(Trainer.LAST)).history().size());
    }

    /**
     * Each --optimizer trains (the synthetic classes are easy: above 90% test accuracy), its checkpoint holds its own
     * state (PyTorch's buffer names), and a run resumes with the optimizer it recorded.
     */
    @Test
    void everyOptimizerTrainsAndResumes() throws IOException {
        java.util.Map<String, String> buffer = java.util.Map.of("adam", ".m", "adamw", ".m", "rmsprop", ".square_avg",
                "adagrad", ".sum", "adadelta", ".acc_delta");
        java.util.Map<String, String> lr = java.util.Map.of("adam", "0.002", "adamw", "0.002", "rmsprop", "0.002",
                "adagrad", "0.01", "adadelta", "1");
        for (String o : buffer.keySet()) {
            Path out = tmp.resolve("opt-" + o);
            Result r = cli("train", "--data", data.toString(), "--epochs", "1", "--batch-size", "32", "--validation",
                    "100", "--optimizer", o, "--lr", lr.get(o), "--weight-decay", "1e-4", "--out", out.toString());
            assertEquals(0, r.code(), o + ": " + r.err());
            Matcher m = Pattern.compile("\"test_accuracy\"\\s*:\\s*([0-9.]+)")
                    .matcher(Files.readString(out.resolve("metrics.json")));
            assertTrue(m.find() && Double.parseDouble(m.group(1)) > 0.9, o + " learns: " + m.group(0));
            assertTrue(Checkpoint.load(out.resolve(Trainer.LAST)).optimizer().keySet().stream()
                    .anyMatch(k -> k.endsWith(buffer.get(o))), o + "'s state");
        }
        Result resumed = cli("train", "--data", data.toString(), "--epochs", "2", "--out",
                tmp.resolve("opt-adagrad").toString(), "--resume");
        assertEquals(0, resumed.code(), resumed.err());
        Checkpoint twice = Checkpoint.load(tmp.resolve("opt-adagrad").resolve(Trainer.LAST));
        assertEquals(2, twice.epoch());
        Path straight = tmp.resolve("opt-adagrad-straight");
        assertEquals(0, cli("train", "--data", data.toString(), "--epochs", "2", "--batch-size", "32", "--validation",
                "100", "--optimizer", "adagrad", "--lr", "0.01", "--weight-decay", "1e-4", "--out", straight.toString())
                .code());
        Checkpoint once = Checkpoint.load(straight.resolve(Trainer.LAST));
        once.model().forEach((name, t) -> assertArrayEquals(t.toFloatArray(), twice.model().get(name).toFloatArray(),
                "resumed bit for bit: " + name));
        once.optimizer().forEach((name, t) -> assertArrayEquals(t.toFloatArray(), twice.optimizer().get(name)
                .toFloatArray(), "optimizer state bit for bit: " + name));
    }

    @Test
    void badHyperParametersAreUsageErrors() {
        for (String[] bad : new String[][] {{"--lr", "0"}, {"--lr", "-0.1"}, {"--epochs", "0"}, {"--batch-size", "-4"},
                {"--dropout", "1.5"}, {"--optimizer", "lbfgs"}, {"--device", "tpu"}, {"--cuda-graphs", "maybe"},
                {"--momentum", "1.5"}, {"--momentum", "NaN"}, {"--weight-decay", "-1"}, {"--l1", "NaN"},
                {"--limit", "-3"}, {"--patience", "-1"}, {"--step-size", "0"}, {"--resize", "30"}}) {
            Result r = cli("train", "--data", data.toString(), "--out", tmp.resolve("bad").toString(), bad[0], bad[1]);
            assertEquals(2, r.code(), String.join(" ", bad) + ": " + r.err());
            assertTrue(r.err().contains(bad[0].equals("--device") ? "device" : bad[0]), r.err());
            if (java.util.List.of("--limit", "--patience", "--step-size", "--momentum", "--weight-decay", "--l1")
                    .contains(bad[0])) { // one option per message, with its value
                assertTrue(r.err().startsWith("striate: " + bad[0] + " must be ") && r.err().contains("got " + bad[1]),
                        r.err());
            }
        }
        Result adam = cli("train", "--data", data.toString(), "--out", tmp.resolve("bad").toString(), "--optimizer",
                "adam", "--momentum", "0.5"); // it was ignored
        assertEquals(2, adam.code(), adam.err());
        assertTrue(adam.err().startsWith("striate: --momentum is SGD's; --optimizer adam runs without it"), adam.err());
        Result unknown = cli("train", "--data", data.toString(), "--out", tmp.resolve("bad").toString(), "--optimizer",
                "sgdd", "--momentum", "0.5");
        assertEquals(2, unknown.code(), unknown.err());
        assertTrue(unknown.err().startsWith("striate: --optimizer must be one of"), unknown.err());
        Result steps = cli("train", "--data", data.toString(), "--out", tmp.resolve("bad").toString(), "--step-size",
                "3"); // the cosine schedule ignored it
        assertEquals(2, steps.code(), steps.err());
        assertTrue(steps.err().startsWith("striate: --step-size is for --schedule step"), steps.err());
        Result pool = cli("train", "--model", "alexnet", "--data", data.toString(), "--out",
                tmp.resolve("bad").toString(), "--pool", "avg"); // AlexNet ignored it
        assertEquals(2, pool.code(), pool.err());
        assertTrue(pool.err().startsWith("striate: --activation and --pool are LeNet-5's"), pool.err());
        assertTrue(!Files.exists(tmp.resolve("bad").resolve(Trainer.LAST)));
    }

    /** LeNet-5 takes 28x28 images: other MNIST-format sizes are one line naming the folder, not a layer's shapes. */
    @Test
    void imagesOfAnotherSizeAreRefusedForLeNet5() throws IOException {
        Path big = Files.createDirectories(tmp.resolve("big"));
        writeBlankIdx(big, "train", 20, 32);
        writeBlankIdx(big, "t10k", 20, 32);
        Result r = cli("train", "--data", big.toString(), "--validation", "5", "--out", tmp.resolve("r32").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(big + " holds 32x32 images; LeNet-5 takes 28x28"), r.err());
        assertFalse(Files.exists(tmp.resolve("r32")), "nothing made");
    }

    /** An empty test file is refused before training (it trained, then failed on no predictions, leaving a folder). */
    @Test
    void anEmptyTestSetIsRefusedBeforeTraining() throws IOException {
        Path noTest = Files.createDirectories(tmp.resolve("no-test"));
        writeIdx(noTest, "train", 40, 1);
        writeIdx(noTest, "t10k", 0, 2);
        Result r = cli("train", "--data", noTest.toString(), "--validation", "5", "--out",
                tmp.resolve("r0").toString());
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().contains(noTest.resolve("t10k-images-idx3-ubyte") + " holds no images"), r.err());
        assertFalse(Files.exists(tmp.resolve("r0")), "nothing made");
    }

    @Test
    void missingDataSaysWhichPackageProvidesItAndLeavesNoFolder() {
        Path out = tmp.resolve("r2").resolve("deeper");
        Result r = cli("train", "--data", tmp.resolve("nowhere").toString(), "--out", out.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("dataset-fashion-mnist") && r.err().contains("nowhere"), r.err());
        assertFalse(Files.exists(tmp.resolve("r2")), "the folders this run created are gone again");
    }

    @Test
    void unwritableOutputFolderIsRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Result r = cli("train", "--data", data.toString(), "--out", file.resolve("sub").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot write to the output folder"), r.err());
    }

    @Test
    @Order(4)
    void corruptOrForeignCheckpointsAreClearErrors() throws IOException {
        Path copy = tmp.resolve("corrupt.ckpt");
        byte[] bytes = Files.readAllBytes(run.resolve(Trainer.LAST));
        bytes[bytes.length / 2] ^= 0x5A;
        Files.write(copy, bytes);
        Result r = cli("evaluate", "--checkpoint", copy.toString(), "--data", data.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains(copy.toString()), r.err());

        Checkpoint c = Checkpoint.load(run.resolve(Trainer.LAST));
        Path other = tmp.resolve("other.ckpt");
        new Checkpoint("vgg16", "", 1, 1, java.util.Map.of(), c.history(), c.model(), c.optimizer(),
                c.optimizerScalars()).save(other);
        Result o = cli("evaluate", "--checkpoint", other.toString(), "--data", data.toString());
        assertEquals(1, o.code());
        assertTrue(o.err().contains("vgg16"), o.err());
        Result resume = cli("train", "--data", data.toString(), "--out", tmp.resolve("foreign").toString(), "--resume");
        assertEquals(1, resume.code());
        assertTrue(resume.err().contains("no last.ckpt"), resume.err());
    }

    @Test
    void aFolderHoldingAnyFileIsNotANewRunsFolder() throws IOException {
        byte[] weights = Files.readAllBytes(run.resolve(Trainer.BEST)); // @Order(1) ran first in this class
        for (String file : new String[] {Trainer.BEST, "loss.png", ".hidden"}) {
            Path keep = Files.createDirectories(tmp.resolve("keep-" + file));
            Files.write(keep.resolve(file), weights);
            Result r = cli("train", "--data", data.toString(), "--epochs", "1", "--limit", "100", "--out",
                    keep.toString());
            assertEquals(1, r.code(), file);
            assertTrue(r.err().startsWith("striate: error: " + keep + " is not empty (it holds " + file + "); continue "
                    + "the run in it with --resume, or choose a new or empty --out (nothing was overwritten)"), r.err());
            assertArrayEquals(weights, Files.readAllBytes(keep.resolve(file)));
            try (var listing = Files.list(keep)) {
                assertEquals(1, listing.count(), "nothing else was written");
            }
        }
    }

    @Test
    void theValidationSplitIsATenthByDefaultAndTakesCountsFractionsAndPercentages() {
        // 1,600 training images: 10% is 160, 25% 400, 0.05 is 80
        String[][] cases = {{}, {"--validation", "25%"}, {"--validation", "0.05"}, {"--validation", "7"}};
        String[] expected = {"1440 train / 160 validation / 150 test images", "1200 train / 400 validation",
                "1520 train / 80 validation", "1593 train / 7 validation"};
        for (int i = 0; i < cases.length; i++) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("train", "--data",
                    data.toString(), "--epochs", "1", "--batch-size", "400", "--out", tmp.resolve("split" + i).toString()));
            args.addAll(java.util.List.of(cases[i]));
            Result r = cli(args.toArray(String[]::new));
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("training lenet5 (activation=relu,pool=max,dropout=0.0,classes=10) on cpu: "
                    + expected[i]), r.out());
        }
        Result all = cli("train", "--data", data.toString(), "--validation", "1600", "--out", tmp.resolve("all").toString());
        assertEquals(1, all.code());
        assertTrue(all.err().contains("--validation 1600 would hold out 1600 of the 1600 training images of " + data
                + ", leaving none to train on"), all.err());
        assertFalse(Files.exists(tmp.resolve("all")));
        for (String bad : new String[] {"100%", "1.0", "-3", "0.1x", "ten"}) {
            Result r = cli("train", "--data", data.toString(), "--validation", bad, "--out", tmp.resolve("bad").toString());
            assertEquals(2, r.code(), bad);
            assertTrue(r.err().contains("'--validation'") && r.err().contains(bad), r.err());
        }
    }

    @Test
    void withoutValidationBestCkptFollowsTheTrainingLoss() throws IOException {
        Path out = tmp.resolve("no-validation");
        Result r = cli("train", "--data", data.toString(), "--validation", "0", "--patience", "1", "--epochs", "2",
                "--limit", "300", "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("300 train / 0 validation / 150 test images"), r.out());
        assertTrue(r.out().contains("no validation images (--validation 0): best.ckpt and early stopping follow the "
                + "training loss"), r.out());
        Checkpoint last = Checkpoint.load(out.resolve(Trainer.LAST));
        assertEquals(2, last.epoch(), "patience follows the training loss, which fell: no early stop");
        assertTrue(last.history().getLast().trainLoss() < last.history().getFirst().trainLoss());
        assertTrue(r.out().contains("(best.ckpt: epoch 2, lowest training loss)"), r.out());
        assertEquals(2, Checkpoint.load(out.resolve(Trainer.BEST)).epoch());
        String json = Files.readString(out.resolve("metrics.json"));
        assertTrue(json.contains("\"val_loss\": null, \"val_accuracy\": null"), json);
        for (String f : new String[] {"loss.png", "accuracy.png", "confusion.png", "filters.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
    }

    @Test
    void aDivergingRunStopsBeforeNaNWithExitOneAndLeavesNoFolder() {
        Path out = tmp.resolve("new").resolve("diverged");
        Result r = cli("train", "--data", data.toString(), "--lr", "1e6", "--limit", "300", "--out", out.toString());
        assertEquals(1, r.code(), r.out());
        assertTrue(r.err().startsWith("striate: error: training diverged at epoch 1, batch ")
                && r.err().contains("is over 10 times the run's first loss")
                && r.err().contains("No checkpoint was written before it happened"), r.err());
        assertFalse(Files.exists(tmp.resolve("new")), "nothing was written, so the new folders are gone");
    }

    @Test
    void devicesAreCheckedBeforeAnythingIsWritten() {
        Path out = tmp.resolve("devices");
        Result twice = cli("train", "--data", data.toString(), "--devices", "cpu:0,cpu", "--out", out.toString());
        assertEquals(2, twice.code());
        assertTrue(twice.err().startsWith("striate: --devices lists cpu twice; give each device once"), twice.err());
        org.junit.jupiter.api.Assumptions.assumeFalse(striate.cuda.CudaProbe.available(), "CUDA runs here");
        Result cuda = cli("train", "--data", data.toString(), "--devices", "cuda:0,cuda:1", "--out", out.toString());
        assertEquals(1, cuda.code());
        assertEquals(1, cuda.err().lines().count(), cuda.err());
        assertTrue(cuda.err().startsWith("striate: error: device cuda:0 is unavailable: "
                + striate.cuda.CudaProbe.unavailableReason()), cuda.err());
        assertFalse(cuda.err().contains("Exception"), cuda.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void mixedPrecisionIsTakenOnCudaAndRefusedAcrossDevices() {
        Path out = tmp.resolve("cuda-bf16");
        Result parallel = cli("train", "--data", data.toString(), "--devices", "cuda:0,cuda:1", "--precision", "bf16",
                "--out", out.toString());
        assertEquals(2, parallel.code());
        assertTrue(parallel.err().contains("data-parallel training (--devices) runs in fp32"), parallel.err());
        org.junit.jupiter.api.Assumptions.assumeFalse(striate.cuda.CudaProbe.available(), "CUDA runs here");
        for (String p : new String[] {"bf16", "fp16"}) {
            Result one = cli("train", "--data", data.toString(), "--device", "cuda:0", "--precision", p, "--out",
                    out.toString());
            // past option checking: what stops it here is the missing GPU, not the precision
            assertEquals(1, one.code(), one.err());
            assertTrue(one.err().startsWith("striate: error: device cuda:0 is unavailable: "), one.err());
            assertFalse(one.err().contains("--precision"), one.err());
            assertFalse(Files.exists(out));
        }
    }

    @Test
    void cudaGraphsOnReplaysTheStepOnTheCpuInFp32AndFp16() throws IOException {
        // without dropout, so the replayed step's arithmetic is the eager one's, bit for bit; fp16's loss scaler skips
        // and rescales on the device, so its step is captured too
        for (String precision : new String[] {"fp32", "fp16"}) {
            String[] loss = new String[2];
            for (String g : new String[] {"off", "on"}) {
                Path out = tmp.resolve("graphs-" + precision + "-" + g);
                Result r = cli("train", "--data", data.toString(), "--epochs", "1", "--batch-size", "32",
                        "--validation", "100", "--out", out.toString(), "--seed", "3", "--precision", precision,
                        "--cuda-graphs", g);
                assertEquals(0, r.code(), r.err());
                assertFalse(r.err().contains("training eagerly"), r.err());
                String json = Files.readString(out.resolve("metrics.json"));
                Matcher m = Pattern.compile("\"test_accuracy\"\\s*:\\s*([0-9.]+)").matcher(json);
                assertTrue(m.find() && Double.parseDouble(m.group(1)) > 0.9, "the three classes are learned: " + json);
                Matcher l = Pattern.compile("\"test_loss\"\\s*:\\s*([0-9.eE-]+)").matcher(json);
                assertTrue(l.find(), json);
                loss[g.equals("off") ? 0 : 1] = l.group(1);
            }
            assertEquals(loss[0], loss[1], precision + ": the replayed cpu step trains exactly as the eager one");
        }
    }
}
