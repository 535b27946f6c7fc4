package striate.cli;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import striate.autograd.GradMode;
import striate.data.Normalization;
import striate.data.Pixels;
import striate.models.LeNet5;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * {@code striate predict --checkpoint F image.png ...}: classifies 28×28 grayscale images (PNG, JPEG, GIF, BMP)
 * like Fashion-MNIST's: light object on a dark background. Other sizes are an error unless --resize;
 * --invert turns dark-on-light photos around. An image that cannot be read is an error line naming it; the
 * others are still classified, and the exit code is 1.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Classify 28x28 grayscale images with a checkpoint.")
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "<file>", description = "A checkpoint (.ckpt).")
    Path checkpoint;

    @Option(names = "--resize", description = "Scale images of another size to 28x28 instead of refusing them.")
    boolean resize;

    @Option(names = "--invert", description = "Invert gray levels (for dark objects on a light background).")
    boolean invert;

    @Option(names = "--top", defaultValue = "3", description = "Classes to list per image, at least 1 (default: "
            + "${DEFAULT-VALUE}).")
    int top;

    @Mixin
    DeviceOption deviceOption;

    @Parameters(arity = "1..*", paramLabel = "<image>", description = "Image files.")
    List<Path> images;

    @Override
    public Integer call() throws IOException {
        Device device = deviceOption.device;
        if (top < 1) {
            throw new ParameterException(spec.commandLine(), "--top must be >= 1 (classes to list per image), got "
                    + top);
        }
        CheckpointModel cm = CheckpointModel.load(checkpoint, device);
        if (!cm.checkpoint().modelName().equals(LeNet5.NAME)) {
            throw new IllegalArgumentException(checkpoint + " holds a model called " + cm.checkpoint().modelName() + "; "
                    + "predict classifies 28x28 images with lenet5 checkpoints (evaluate works for every model)");
        }
        List<String> names = TrainingData.mnistClassNames(cm.checkpoint());
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failed = 0;
        for (Path image : images) {
            float[] pixels;
            try {
                pixels = read(image);
            } catch (IOException e) { // this image only: the others are still classified
                err.println("striate: error: " + e.getMessage());
                err.flush();
                failed++;
                continue;
            }
            double[] p;
            try (GradMode.Scope off = GradMode.off()) {
                p = cm.model().forward(Tensor.of(device, pixels, 1, 1, 28, 28)).softmax(1).toDoubleArray();
            }
            Integer[] order = new Integer[p.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
            StringBuilder line = new StringBuilder(image.toString()).append(": ");
            for (int i = 0; i < Math.min(top, p.length); i++) {
                int k = order[i];
                line.append(i == 0 ? "" : ", ").append(k < names.size() ? names.get(k) : "class " + k)
                        .append(String.format(" %.1f%%", 100 * p[k]));
            }
            out.println(line);
            out.flush();
        }
        if (failed > 0) {
            if (images.size() > 1) { // one image's own line says it all
                err.println("striate: error: " + failed + " of " + images.size() + " images could not be read (each "
                        + "named above)" + (failed < images.size() ? "; the others were classified" : ""));
            }
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        }
        return 0;
    }

    /** The image as 28×28 normalized floats, or an IOException whose message names the file and what is wrong. */
    private float[] read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + (Files.isDirectory(file) ? " is a folder, not an image" : ": no such file"));
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) { // a damaged file; the decoder's message names no file
            throw new IOException(file + ": cannot read the image: " + describe(e)
                    + (e.getCause() != null ? " (" + describe(e.getCause()) + ")" : ""), e);
        }
        if (img == null) {
            throw new IOException(file + " is not an image this Java can read (PNG, JPEG, GIF or BMP)");
        }
        if (img.getWidth() != 28 || img.getHeight() != 28) {
            if (!resize) {
                throw new IOException(file + " is " + img.getWidth() + "x" + img.getHeight()
                        + "; the model expects 28x28 (pass --resize to scale it)");
            }
            BufferedImage scaled = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = scaled.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, 28, 28, null);
            g.dispose();
            img = scaled;
        }
        Normalization norm = Normalization.FASHION_MNIST;
        // as stored: getRGB would take a gray PNG's samples for linear light and brighten them (128 becomes 188)
        int[] pixels = Pixels.of(img).rgb(); // [28·28] packed 0xRRGGBB
        float[] x = new float[28 * 28];
        for (int p = 0; p < x.length; p++) {
            int rgb = pixels[p];
            int gray = (int) Math.round(0.299 * ((rgb >> 16) & 255) + 0.587 * ((rgb >> 8) & 255) + 0.114 * (rgb & 255));
            x[p] = norm.apply(invert ? 255 - gray : gray);
        }
        return x;
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
