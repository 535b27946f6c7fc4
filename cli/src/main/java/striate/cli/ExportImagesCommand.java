package striate.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import striate.cli.report.Report;
import striate.data.Idx;
import striate.data.IdxImages;
import striate.data.MnistFolder;

/**
 * {@code striate export-images}: writes an MNIST-format folder (Fashion-MNIST by default) as an image folder of
 * PNGs, {@code <out>/train/<k>-<class>/<index>.png} and {@code <out>/val/...} from the test set, so the ImageFolder
 * path (and AlexNet) can be tried on real data without downloading anything. Class folders start with the label,
 * so their sorted order is the dataset's label order.
 */
@Command(name = "export-images", mixinStandardHelpOptions = true,
        description = "Write Fashion-MNIST (or any MNIST-format folder) as PNG files in class folders.")
final class ExportImagesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--data", paramLabel = "<dir>", description = "Folder with the four MNIST-format files "
            + "(default: Debian's Fashion-MNIST folder).")
    Path data;

    @Option(names = "--out", required = true, paramLabel = "<dir>", description = "Folder to create (must not exist "
            + "or be empty).")
    Path out;

    @Option(names = "--train", defaultValue = "0", description = "Training images to write, the first N (default: "
            + "all).")
    int trainLimit;

    @Option(names = "--val", defaultValue = "0", description = "Test images to write into val/, the first N "
            + "(default: all).")
    int valLimit;

    @Option(names = "--class-names", split = ",", paramLabel = "<name>", description = "The ten class names in "
            + "label order, for the folder names (default: Fashion-MNIST's; e.g. 0,1,...,9 for MNIST).")
    List<String> classNames;

    @Override
    public Integer call() throws IOException {
        if (trainLimit < 0 || valLimit < 0) {
            throw new ParameterException(spec.commandLine(), "--train and --val must be >= 0 (0 = all)");
        }
        List<String> names = classNames != null ? classNames : Report.FASHION_MNIST_CLASSES;
        if (names.size() != MnistFolder.CLASSES) {
            throw new ParameterException(spec.commandLine(), "--class-names needs " + MnistFolder.CLASSES
                    + " names, got " + names.size());
        }
        if (Files.exists(out)) {
            try (var entries = Files.list(out)) {
                if (entries.findAny().isPresent()) {
                    throw new ParameterException(spec.commandLine(), out + " is not empty; choose a new --out "
                            + "(nothing was written)");
                }
            }
        }
        MnistFolder mnist = MnistFolder.open(data != null ? data : MnistFolder.defaultFashionMnistFolder());
        PrintWriter con = spec.commandLine().getOut();
        int train = write(Idx.readImages(mnist.trainImages()), Idx.readLabels(mnist.trainLabels()), trainLimit,
                out.resolve("train"), names, con);
        int val = write(Idx.readImages(mnist.testImages()), Idx.readLabels(mnist.testLabels()), valLimit,
                out.resolve("val"), names, con);
        con.printf("wrote %d training and %d validation PNGs in %s (train/ and val/, one folder per class)%n", train,
                val, out.toAbsolutePath());
        con.flush();
        return 0;
    }

    /** Writes the first {@code limit} images (all when 0) as 8-bit gray PNGs; returns how many. */
    private static int write(IdxImages images, int[] labels, int limit, Path folder, List<String> names,
                             PrintWriter con) throws IOException {
        if (labels.length != images.count()) {
            throw new IOException(folder.getFileName() + ": " + images.count() + " images but " + labels.length
                    + " labels");
        }
        int n = limit == 0 ? images.count() : Math.min(limit, images.count());
        Path[] classFolders = new Path[MnistFolder.CLASSES];
        for (int k = 0; k < classFolders.length; k++) {
            classFolders[k] = Files.createDirectories(folder.resolve(k + "-" + folderName(names.get(k))));
        }
        BufferedImage image = new BufferedImage(images.cols(), images.rows(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] row = new byte[images.cols()];
        int step = Math.max(1, n / 10);
        for (int i = 0; i < n; i++) {
            for (int r = 0; r < images.rows(); r++) {
                System.arraycopy(images.pixels(), (i * images.rows() + r) * images.cols(), row, 0, row.length);
                image.getRaster().setDataElements(0, r, row.length, 1, row);
            }
            Path file = classFolders[labels[i]].resolve(String.format(Locale.ROOT, "%05d.png", i));
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IOException("no PNG writer available to write " + file);
            }
            if ((i + 1) % step == 0 || i + 1 == n) {
                con.printf("%s: %d/%d%n", folder.getFileName(), i + 1, n);
                con.flush();
            }
        }
        return n;
    }

    /** "T-shirt/top" → "T-shirt_top", "Ankle boot" → "Ankle_boot". */
    static String folderName(String className) {
        return className.replaceAll("[^A-Za-z0-9-]+", "_");
    }
}
