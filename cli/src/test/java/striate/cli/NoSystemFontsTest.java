package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.MnistFolder;
import striate.train.Trainer;

/**
 * The commands on a machine without fonts, as GPU servers and containers often are: a child JVM in a private mount
 * namespace ({@code unshare -m}) where the font folders are covered by an empty one and fontconfig has an empty
 * configuration. There, AWT's default font fails ("No physical fonts found", checked first, so the test proves
 * something); train must still draw every report picture with the bundled font and exit 0, and evaluate,
 * export-images and predict must work. Needs root and unshare (CI has both) and skips with the reason elsewhere;
 * {@code ReportTest} covers the same failure in-process with the report's font loading forced to fail.
 */
class NoSystemFontsTest {
    /** Where Linux JVMs and fontconfig look for fonts; those that exist are hidden. */
    private static final List<String> FONT_FOLDERS = List.of("/usr/share/fonts", "/usr/local/share/fonts",
            "/usr/share/X11/fonts", "/usr/X11R6/lib/X11/fonts", System.getProperty("java.home") + "/lib/fonts",
            System.getProperty("user.home") + "/.fonts", System.getProperty("user.home") + "/.local/share/fonts");

    @TempDir
    Path tmp;

    /** Draws text in AWT's default font, as code that sets no font does; exits 3 when that fails. */
    public static final class DefaultFontProbe {
        public static void main(String[] args) {
            System.setProperty("java.awt.headless", "true");
            try {
                int height = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics()
                        .getHeight();
                System.out.println("the default font works (line height " + height + ")");
            } catch (Throwable e) { // an Error ("No physical fonts found", "Fontconfig head is null") or worse
                System.out.println("the default font fails: " + e);
                System.exit(3);
            }
        }
    }

    private record Run(int code, String out, String err) {
    }

    @Test
    void trainEvaluateExportAndPredictWorkWithoutSystemFonts() throws IOException, InterruptedException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path conf = Files.writeString(tmp.resolve("empty.conf"), "<fontconfig></fontconfig>\n");
        Run uid = run(List.of("id", "-u"));
        assumeTrue(uid.out().strip().equals("0"), "hiding the system fonts needs root (unshare -m and mount --bind); "
                + "uid is " + uid.out().strip());
        Run mount = run(List.of("unshare", "-m", "mount", "--bind", empty.toString(), tmp.toString()));
        assumeTrue(mount.code() == 0, "unshare -m with mount --bind does not work here: " + mount.err().strip());

        Path data = Files.createDirectories(tmp.resolve("data"));
        TrainCommandTest.writeIdx(data, "train", 300, 1);
        TrainCommandTest.writeIdx(data, "t10k", 40, 2);
        Path testOnly = Files.createDirectories(tmp.resolve("test-only"));
        Files.copy(data.resolve(MnistFolder.TEST_IMAGES), testOnly.resolve(MnistFolder.TEST_IMAGES));
        Files.copy(data.resolve(MnistFolder.TEST_LABELS), testOnly.resolve(MnistFolder.TEST_LABELS));
        Path runFolder = tmp.resolve("run");
        Path images = tmp.resolve("images");
        Path logs = Files.createDirectories(tmp.resolve("logs"));

        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        StringBuilder script = new StringBuilder("set -u\n");
        for (String folder : FONT_FOLDERS) {
            script.append("if [ -d '").append(folder).append("' ]; then mount --bind '").append(empty).append("' '")
                    .append(folder).append("' || exit 90; fi\n");
        }
        script.append("export FONTCONFIG_FILE='").append(conf).append("'\n");
        script.append("J=('").append(java).append("' --add-modules jdk.incubator.vector "
                + "--enable-native-access=ALL-UNNAMED -cp '").append(classpath).append("')\n");
        String best = runFolder.resolve(Trainer.BEST).toString();
        step(script, logs, "probe", "\"${J[@]}\" '" + DefaultFontProbe.class.getName() + "'");
        step(script, logs, "train", "\"${J[@]}\" striate.cli.Main train --data '" + data + "' --epochs 1 "
                + "--batch-size 32 --validation 50 --out '" + runFolder + "'");
        step(script, logs, "evaluate", "\"${J[@]}\" striate.cli.Main evaluate --checkpoint '" + best + "' --data '"
                + testOnly + "'");
        step(script, logs, "export", "\"${J[@]}\" striate.cli.Main export-images --data '" + data + "' --out '"
                + images + "' --train 20 --val 10");
        step(script, logs, "predict", "\"${J[@]}\" striate.cli.Main predict --checkpoint '" + best + "' $(find '"
                + images.resolve("val") + "' -name '*.png' | sort | head -3)");
        Path scriptFile = Files.writeString(tmp.resolve("no-fonts.sh"), script);

        Run all = run(List.of("unshare", "-m", "bash", scriptFile.toString()));
        assumeTrue(all.code() != 90, "a font folder could not be covered: " + all.err().strip());
        assertEquals(0, all.code(), all.err());
        Run probe = logged(logs, "probe");
        assumeTrue(probe.code() == 3, "the system fonts are still visible to Java after hiding " + FONT_FOLDERS
                + ": " + probe.out());
        assertTrue(probe.out().contains("No physical fonts found") || probe.out().contains("Fontconfig"),
                probe.out());

        Run train = logged(logs, "train");
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("test accuracy"), train.out());
        assertFalse(train.err().contains("striate: warning"), "every picture drawn: " + train.err());
        assertTrue(Files.readString(runFolder.resolve("metrics.json")).contains("\"test_accuracy\""));
        for (String png : List.of("loss.png", "accuracy.png", "confusion.png", "filters.png")) {
            BufferedImage image = ImageIO.read(runFolder.resolve(png).toFile());
            assertNotNull(image, png);
            assertTrue(darkPixels(image, 60) > 100, png + " has its title drawn");
        }

        Run evaluate = logged(logs, "evaluate");
        assertEquals(0, evaluate.code(), evaluate.err());
        assertTrue(evaluate.out().contains("on 40 images"), evaluate.out());

        Run export = logged(logs, "export");
        assertEquals(0, export.code(), export.err());
        try (Stream<Path> s = Files.walk(images)) {
            assertEquals(30, s.filter(p -> p.toString().endsWith(".png")).count());
        }

        Run predict = logged(logs, "predict");
        assertEquals(0, predict.code(), predict.err());
        assertEquals(3, predict.out().lines().count(), predict.out());
    }

    /** Appends a command whose stdout, stderr and exit code land in logs/NAME.{out,err,code}. */
    private static void step(StringBuilder script, Path logs, String name, String command) {
        Path base = logs.resolve(name);
        script.append(command).append(" > '").append(base).append(".out' 2> '").append(base).append(".err'; echo $? > '")
                .append(base).append(".code'\n");
    }

    private static Run logged(Path logs, String name) throws IOException {
        return new Run(Integer.parseInt(Files.readString(logs.resolve(name + ".code")).strip()),
                Files.readString(logs.resolve(name + ".out")), Files.readString(logs.resolve(name + ".err")));
    }

    private Run run(List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "process", ".out");
        Path err = Files.createTempFile(tmp, "process", ".err");
        Process p;
        try {
            p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        } catch (IOException e) {
            return new Run(127, "", command.getFirst() + " cannot be started: " + e.getMessage());
        }
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in 180 s");
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Pixels darker than mid-gray in the top {@code rows} rows, where each picture has its title. */
    private static long darkPixels(BufferedImage image, int rows) {
        long n = 0;
        for (int y = 0; y < Math.min(rows, image.getHeight()); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                if (((rgb >> 16) & 255) + ((rgb >> 8) & 255) + (rgb & 255) < 3 * 128) {
                    n++;
                }
            }
        }
        return n;
    }
}
