package striate.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.Idx;
import striate.models.Autoencoder;
import striate.models.ConvVae;
import striate.models.LeNet5;
import striate.models.Vae;
import striate.tensor.Tensor;
import striate.train.Checkpoint;
import striate.train.Trainer;

/**
 * striate vae on small MNIST-format files (TrainCommandTest's squares): the files it writes (checkpoints, metrics.json
 * with the ELBO's terms and FID-LeNet, the pictures, the manifold of a 2-wide code), the autoencoder's report, resume
 * reaching an uninterrupted run's weights, and one-line errors for bad options, a used folder, a bad checkpoint and a
 * diverging run.
 */
class VaeCommandTest {
    @TempDir
    static Path tmp;
    private static Path data;
    private static Path lenet;

    @BeforeAll
    static void generateData() throws IOException {
        data = Files.createDirectories(tmp.resolve("data"));
        TrainCommandTest.writeIdx(data, "train", 600, 1);
        TrainCommandTest.writeIdx(data, "t10k", 100, 2);
        LeNet5 model = new LeNet5(LeNet5.Config.defaults(), 3);
        lenet = tmp.resolve("lenet.ckpt");
        new Checkpoint(LeNet5.NAME, model.config().toString(), 1, 1, Map.of(), List.of(), Checkpoint.stateOf(model),
                Map.of(), Map.of()).save(lenet);
    }

    private static TrainCommandTest.Result vae(Path out, String... more) {
        String[] base = {"vae", "--data", data.toString(), "--out", out.toString(), "--limit", "256",
                "--batch-size", "64", "--seed", "5", "--samples", "300"};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return TrainCommandTest.cli(args);
    }

    private static double number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\": (-?[0-9.eE-]+)").matcher(json);
        assertTrue(m.find(), field + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void aVaeRunWritesCheckpointsTheElboTermsFidAndThePictures() throws IOException {
        Path out = tmp.resolve("vae2");
        TrainCommandTest.Result r = vae(out, "--epochs", "2", "--latent", "2", "--fid-checkpoint", lenet.toString());
        assertEquals(0, r.code(), r.err());
        for (String f : new String[] {Trainer.LAST, Trainer.BEST, "metrics.json", "loss.png", "kl.png",
                "reconstructions.png", "samples.png", "interpolation.png", "manifold.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        String json = Files.readString(out.resolve("metrics.json"));
        double rec = number(json, "test_reconstruction_nats");
        double kl = number(json, "test_kl_nats");
        assertTrue(rec > 0 && kl > 0, json);
        assertEquals(-(rec + kl), number(json, "test_elbo_nats"), 1e-9 * rec, json);
        assertTrue(number(json, "fid_lenet_samples") > 0 && number(json, "fid_lenet_reconstructions") > 0, json);
        assertEquals(300, number(json, "fid_samples"), 0, json);
        assertEquals(100, number(json, "fid_test_images"), 0, json);
        assertEquals(2, Pattern.compile("\"test_elbo\": ").matcher(json).results().count(), json);
        assertTrue(r.out().contains("reconstruction " + String.format(Locale.ROOT, "%.2f", rec)), r.out());
        assertTrue(r.out().contains("FID-LeNet"), r.out());
        Path sampleFile = out.resolve(VaeCommand.SAMPLES_FILE);
        assertEquals(300, Idx.readImages(sampleFile).count());
        TrainCommandTest.Result scored = TrainCommandTest.cli("fid", "--checkpoint", lenet.toString(), "--a",
                sampleFile.toString(), "--b", data.resolve("t10k-images-idx3-ubyte").toString());
        assertEquals(0, scored.code(), scored.err());
        Matcher m = Pattern.compile("FID-LeNet ([0-9.]+) ").matcher(scored.out());
        assertTrue(m.find(), scored.out());
        assertEquals(number(json, "fid_lenet_samples"), Double.parseDouble(m.group(1)), 1e-4,
                "striate fid on the sample file scores what the run scored");
        assertTrue(r.out().contains(String.format(Locale.ROOT, "epoch 2: train reconstruction %.2f KL",
                number(json.substring(json.lastIndexOf("\"epoch\": 2")), "train_reconstruction"))), r.out());
        Checkpoint c = Checkpoint.load(out.resolve(Trainer.LAST));
        assertEquals(Vae.NAME, c.modelName());
        assertEquals("latent=2", c.modelConfig());
        assertEquals("2", c.settings().get("--latent"));
        assertTrue(c.rngStates().containsKey("noise"), c.rngStates().toString());
    }

    @Test
    void theAutoencodersReportHasNoKlAndNoManifoldOfAWideCode() throws IOException {
        Path out = tmp.resolve("ae");
        TrainCommandTest.Result r = vae(out, "--model", "ae", "--epochs", "1", "--latent", "8");
        assertEquals(0, r.code(), r.err());
        String json = Files.readString(out.resolve("metrics.json"));
        assertEquals(0, number(json, "test_kl_nats"), 0, json);
        assertTrue(json.contains("\"fid_lenet_samples\": null"), json);
        assertTrue(Files.exists(out.resolve("reconstructions.png")) && Files.exists(out.resolve("samples.png")));
        assertFalse(Files.exists(out.resolve("kl.png")) || Files.exists(out.resolve("manifold.png")));
        assertEquals(Autoencoder.NAME, Checkpoint.load(out.resolve(Trainer.LAST)).modelName());
    }

    @Test
    void theConvolutionalVaeTrainsAndReportsItsKl() throws IOException {
        Path out = tmp.resolve("conv");
        TrainCommandTest.Result r = vae(out, "--model", "conv-vae", "--epochs", "1", "--latent", "4");
        assertEquals(0, r.code(), r.err());
        assertTrue(number(Files.readString(out.resolve("metrics.json")), "test_kl_nats") > 0);
        assertTrue(Files.exists(out.resolve("kl.png")) && Files.exists(out.resolve("samples.png")));
        Checkpoint c = Checkpoint.load(out.resolve(Trainer.LAST));
        assertEquals(ConvVae.NAME, c.modelName());
        assertTrue(c.model().containsKey("deconv2.weight"), c.model().keySet().toString());
    }

    @Test
    void aResumedRunReachesTheWeightsOfAnUninterruptedOne() throws IOException {
        Path full = tmp.resolve("full");
        Path split = tmp.resolve("split");
        assertEquals(0, vae(full, "--epochs", "2", "--latent", "4").code());
        assertEquals(0, vae(split, "--epochs", "1", "--latent", "4").code());
        TrainCommandTest.Result r = TrainCommandTest.cli("vae", "--out", split.toString(), "--resume", "--epochs", "2");
        assertEquals(0, r.code(), r.err());
        Map<String, Tensor> a = Checkpoint.load(full.resolve(Trainer.LAST)).model();
        Map<String, Tensor> b = Checkpoint.load(split.resolve(Trainer.LAST)).model();
        assertEquals(a.keySet(), b.keySet());
        a.forEach((name, t) -> assertArrayEquals(t.toFloatArray(), b.get(name).toFloatArray(), name));

        TrainCommandTest.Result changed = TrainCommandTest.cli("vae", "--out", split.toString(), "--resume",
                "--latent", "8");
        assertEquals(2, changed.code());
        assertTrue(changed.err().contains("--latent 8 (the run has 4)"), changed.err());
    }

    @Test
    void eachModelHasItsCheckpointNameAndAnUnknownOneIsAnError() {
        assertEquals(Vae.NAME, VaeCommand.Model.of("vae").checkpointName);
        assertEquals(ConvVae.NAME, VaeCommand.Model.of("conv-vae").checkpointName);
        assertEquals(Autoencoder.NAME, VaeCommand.Model.of("ae").checkpointName);
        assertTrue(VaeCommand.Model.of("ae").create.apply(3, 1L) instanceof Autoencoder);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VaeCommand.Model.of("gan"));
        assertEquals("--model must be vae, conv-vae or ae, got 'gan'", e.getMessage());
    }

    @Test
    void badOptionsAUsedFolderAndABadCheckpointAreOneLineErrors() throws IOException {
        TrainCommandTest.Result model = vae(tmp.resolve("x1"), "--model", "gan");
        assertEquals(2, model.code());
        assertTrue(model.err().contains("--model must be vae, conv-vae or ae, got 'gan'"), model.err());
        TrainCommandTest.Result latent = vae(tmp.resolve("x2"), "--latent", "0");
        assertEquals(2, latent.code());
        assertTrue(latent.err().contains("--latent"), latent.err());
        TrainCommandTest.Result few = TrainCommandTest.cli("vae", "--data", data.toString(), "--out",
                tmp.resolve("x2").toString(), "--samples", "1");
        assertEquals(2, few.code());
        assertTrue(few.err().contains("--samples must be in [2, 100000]"), few.err());
        TrainCommandTest.Result many = TrainCommandTest.cli("vae", "--data", data.toString(), "--out",
                tmp.resolve("x2").toString(), "--samples", "2000000000"); // it trained, then overflowed
        assertEquals(2, many.code(), many.err());
        assertTrue(many.err().contains("--samples must be in [2, 100000]"), many.err());
        assertFalse(Files.exists(tmp.resolve("x1")) || Files.exists(tmp.resolve("x2")), "nothing created");

        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("notes.txt"), "keep");
        TrainCommandTest.Result busy = vae(used);
        assertEquals(1, busy.code());
        assertTrue(busy.err().contains(used + " is not empty (it holds notes.txt)"), busy.err());
        assertEquals("keep", Files.readString(used.resolve("notes.txt")));

        Path alexnet = tmp.resolve("alexnet.ckpt");
        new Checkpoint("alexnet", "", 1, 1, Map.of(), List.of(), Map.of(), Map.of(), Map.of()).save(alexnet);
        Path out = tmp.resolve("x3");
        TrainCommandTest.Result fid = vae(out, "--fid-checkpoint", alexnet.toString());
        assertEquals(1, fid.code());
        assertTrue(fid.err().contains(alexnet.toString()) && fid.err().contains("expected model 'lenet5'"), fid.err());
        assertEquals(1, fid.err().strip().lines().count(), fid.err());
        assertFalse(Files.exists(out), "the new folder is removed again");

        Path diverged = tmp.resolve("x5");
        TrainCommandTest.Result lr = vae(diverged, "--lr", "1e6");
        assertEquals(1, lr.code());
        assertTrue(lr.err().contains("training diverged at epoch 1, batch 2"), lr.err());
        assertFalse(Files.exists(diverged), "nothing was saved, so the new folder is removed again");

        TrainCommandTest.Result noData = TrainCommandTest.cli("vae", "--data", tmp.resolve("nowhere").toString(),
                "--out", tmp.resolve("x4").toString());
        assertEquals(1, noData.code());
        assertTrue(noData.err().contains("nowhere") && noData.err().contains("dataset-fashion-mnist"), noData.err());
    }
}
