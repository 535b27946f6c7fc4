package striate.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
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
 * so their sorted order is the dataset's label order. {@code --train N} and {@code --val N} take N images spread
 * evenly over the classes (each class's first images in file order), so every class gets a folder and the result
 * trains; no class folder is ever left empty.
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

    @Option(names = "--train", defaultValue = "0", description = "Training images to write, spread evenly over the "
            + "classes (each class's first ones); at least one per class, 0 for all (default).")
    int trainLimit;

    @Option(names = "--val", defaultValue = "0", description = "Test images to write into val/, chosen as for "
            + "--train; 0 for all (default).")
    int valLimit;

    @Option(names = "--class-names", split = ",", paramLabel = "<name>", description = "The ten class names in "
            + "label order, for the folder names (default: Fashion-MNIST's; e.g. 0,1,...,9 for MNIST).")
    List<String> classNames;

    /** One IDX pair: the images, their labels and the file the labels came from (for messages). */
    private record Part(IdxImages images, int[] labels, Path labelFile) {
        static Part read(Path imageFile, Path labelFile) throws IOException {
            IdxImages images = Idx.readImages(imageFile);
            int[] labels = Idx.readLabels(labelFile);
            if (labels.length != images.count()) {
                throw new IOException(labelFile + " has " + labels.length + " labels but " + imageFile + " has "
                        + images.count() + " images");
            }
            for (int i = 0; i < labels.length; i++) {
                if (labels[i] < 0 || labels[i] >= MnistFolder.CLASSES) {
                    throw new IOException(labelFile + ": label " + labels[i] + " of image " + i + " is outside 0.."
                            + (MnistFolder.CLASSES - 1));
                }
            }
            return new Part(images, labels, labelFile);
        }
    }

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
        requireNewFolder();
        MnistFolder mnist = MnistFolder.open(data != null ? data : MnistFolder.defaultFashionMnistFolder());
        Part train = Part.read(mnist.trainImages(), mnist.trainLabels());
        Part val = Part.read(mnist.testImages(), mnist.testLabels());
        if (train.labels().length == 0 || val.labels().length == 0) { // an image folder needs both
            throw new IOException((train.labels().length == 0 ? mnist.trainImages() : mnist.testImages())
                    + " holds no images; an image folder needs training and validation images");
        }
        int[] trainPicks = pick(train, trainLimit, "--train");
        int[] valPicks = pick(val, valLimit, "--val");
        PrintWriter con = spec.commandLine().getOut();
        int trainClasses = write(train, trainPicks, out.resolve("train"), names, con);
        int valClasses = write(val, valPicks, out.resolve("val"), names, con);
        con.printf("wrote %d training PNGs in %d class folders and %d validation PNGs in %d class folders, in %s "
                + "(train/ and val/)%n", trainPicks.length, trainClasses, valPicks.length, valClasses,
                out.toAbsolutePath());
        con.flush();
        return 0;
    }

    /** --out must be a folder that does not exist yet or is empty; checked before anything is read or written. */
    private void requireNewFolder() throws IOException {
        if (!Files.exists(out)) {
            return;
        }
        if (!Files.isDirectory(out)) {
            throw new ParameterException(spec.commandLine(), "--out " + out + " is a file, not a folder; choose a "
                    + "folder that does not exist yet or is empty (nothing was written)");
        }
        try (var entries = Files.list(out)) {
            if (entries.findAny().isPresent()) {
                throw new ParameterException(spec.commandLine(), out + " is not empty; choose a new --out "
                        + "(nothing was written)");
            }
        }
    }

    /**
     * The indices of the images to write, ascending: all when {@code limit} is 0 or covers the file, else
     * {@code limit} of them dealt out to the classes present in turn (class 0, 1, ..., 9, 0, ...; a class with no
     * images left is skipped), each class taking its first images in file order.
     */
    private int[] pick(Part part, int limit, String option) {
        int n = part.labels().length;
        if (limit == 0 || limit >= n) {
            return IntStream.range(0, n).toArray();
        }
        int[] count = new int[MnistFolder.CLASSES];
        for (int label : part.labels()) {
            count[label]++;
        }
        long present = Arrays.stream(count).filter(c -> c > 0).count();
        if (limit < present) {
            throw new ParameterException(spec.commandLine(), option + " " + limit + " cannot give each of the "
                    + present + " classes in " + part.labelFile() + " an image; give at least " + present
                    + ", or 0 for all");
        }
        int[] quota = new int[MnistFolder.CLASSES];
        for (int left = limit; left > 0; ) {
            for (int k = 0; k < quota.length && left > 0; k++) {
                if (quota[k] < count[k]) {
                    quota[k]++;
                    left--;
                }
            }
        }
        int[] picks = new int[limit];
        int[] taken = new int[MnistFolder.CLASSES];
        for (int i = 0, j = 0; j < limit; i++) {
            int k = part.labels()[i];
            if (taken[k] < quota[k]) {
                taken[k]++;
                picks[j++] = i;
            }
        }
        return picks;
    }

    /** Writes the picked images as 8-bit gray PNGs; returns how many class folders it made (none empty). */
    private static int write(Part part, int[] picks, Path folder, List<String> names, PrintWriter con)
            throws IOException {
        IdxImages images = part.images();
        Path[] classFolders = new Path[MnistFolder.CLASSES];
        int made = 0;
        BufferedImage image = new BufferedImage(images.cols(), images.rows(), BufferedImage.TYPE_BYTE_GRAY);
        byte[] row = new byte[images.cols()];
        int step = Math.max(1, picks.length / 10);
        for (int j = 0; j < picks.length; j++) {
            int i = picks[j];
            int k = part.labels()[i];
            if (classFolders[k] == null) {
                classFolders[k] = Files.createDirectories(folder.resolve(k + "-" + folderName(names.get(k))));
                made++;
            }
            for (int r = 0; r < images.rows(); r++) {
                System.arraycopy(images.pixels(), (i * images.rows() + r) * images.cols(), row, 0, row.length);
                image.getRaster().setDataElements(0, r, row.length, 1, row);
            }
            Path file = classFolders[k].resolve(String.format(Locale.ROOT, "%05d.png", i));
            if (!ImageIO.write(image, "png", file.toFile())) {
                throw new IOException("no PNG writer available to write " + file);
            }
            if ((j + 1) % step == 0 || j + 1 == picks.length) {
                con.printf("%s: %d/%d%n", folder.getFileName(), j + 1, picks.length);
                con.flush();
            }
        }
        return made;
    }

    /** "T-shirt/top" → "T-shirt_top", "Ankle boot" → "Ankle_boot". */
    static String folderName(String className) {
        return className.replaceAll("[^A-Za-z0-9-]+", "_");
    }
}
