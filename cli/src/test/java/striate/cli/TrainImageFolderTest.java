package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.tensor.Rng;
import striate.train.Checkpoint;
import striate.train.Trainer;

/** train --model alexnet on a generated image folder, on one CPU device and data-parallel on two. */
class TrainImageFolderTest {
    @TempDir
    static Path tmp;
    static Path data;

    /** train/ and val/ with three classes of 72×72 PNGs: a red, green or blue disc on noise. */
    @BeforeAll
    static void imageFolder() throws IOException {
        data = tmp.resolve("shapes");
        Rng rng = new Rng(5);
        String[] classes = {"blue", "green", "red"};
        Color[] colours = {Color.BLUE, Color.GREEN, Color.RED};
        for (String split : new String[] {"train", "val"}) {
            for (int k = 0; k < classes.length; k++) {
                Path folder = Files.createDirectories(data.resolve(split).resolve(classes[k]));
                for (int i = 0; i < (split.equals("train") ? 14 : 4); i++) {
                    BufferedImage image = new BufferedImage(72, 72, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < 72; y++) {
                        for (int x = 0; x < 72; x++) {
                            image.setRGB(x, y, rng.nextInt(0x1000000));
                        }
                    }
                    Graphics2D g = image.createGraphics();
                    g.setColor(colours[k]);
                    g.fillOval(10 + rng.nextInt(20), 10 + rng.nextInt(20), 30, 30);
                    g.dispose();
                    ImageIO.write(image, "png", folder.resolve(i + ".png").toFile());
                }
            }
        }
    }

    @Test
    void alexNetTrainsOnAnImageFolderOnOneAndOnTwoDevices() throws IOException {
        for (String devices : new String[] {"cpu", "cpu:0,cpu:1"}) {
            Path out = tmp.resolve("run-" + devices.replace(':', '-').replace(',', '_'));
            TrainCommandTest.Result r = TrainCommandTest.cli("train", "--model", "alexnet", "--config",
                    "variant=owt,size=64", "--data", data.toString(), "--epochs", "1", "--batch-size", "16",
                    "--validation", "6", "--devices", devices, "--workers", "2", "--out", out.toString());
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("training alexnet (variant=owt,classes=3,channels=3,size=64,dropout=0.5) on "
                    + (devices.equals("cpu") ? "cpu" : "[cpu, cpu:1]") + ": 36 train / 6 validation / 12 test images"),
                    r.out());
            assertTrue(r.out().contains("test accuracy"), r.out());
            for (String f : new String[] {"loss.png", "accuracy.png", "confusion.png", "filters.png", "metrics.json",
                    Trainer.LAST}) {
                assertTrue(Files.exists(out.resolve(f)), devices + ": " + f + " missing");
            }
            String metrics = Files.readString(out.resolve("metrics.json"));
            assertTrue(metrics.contains("\"blue\"") && metrics.contains("\"red\""), metrics);
            Checkpoint c = Checkpoint.load(out.resolve(Trainer.LAST));
            assertEquals("alexnet", c.modelName());
            assertEquals("variant=owt,classes=3,channels=3,size=64,dropout=0.5", c.modelConfig());

            TrainCommandTest.Result e = TrainCommandTest.cli("evaluate", "--checkpoint",
                    out.resolve(Trainer.LAST).toString(), "--data", data.toString());
            assertEquals(0, e.code(), e.err());
            assertTrue(e.out().contains("on 12 images") && e.out().contains("green"), e.out());
        }
        TrainCommandTest.Result p = TrainCommandTest.cli("predict", "--checkpoint",
                tmp.resolve("run-cpu").resolve(Trainer.LAST).toString(),
                data.resolve("val").resolve("red").resolve("0.png").toString());
        assertEquals(1, p.code());
        assertTrue(p.err().contains("holds a model called alexnet"), p.err());
    }

    @Test
    void alexNetNeedsAnImageFolder() {
        TrainCommandTest.Result r = TrainCommandTest.cli("train", "--model", "alexnet", "--out",
                tmp.resolve("none").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--model alexnet needs --data <image folder>"), r.err());
        TrainCommandTest.Result bad = TrainCommandTest.cli("train", "--model", "alexnet", "--config", "size=32",
                "--data", data.toString(), "--out", tmp.resolve("small").toString());
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("at least 63"), bad.err());
        TrainCommandTest.Result lenet = TrainCommandTest.cli("train", "--config", "size=64", "--out",
                tmp.resolve("lenet").toString());
        assertEquals(2, lenet.code());
        assertTrue(lenet.err().contains("--config is for alexnet"), lenet.err());
    }
}
