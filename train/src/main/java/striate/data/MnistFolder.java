package striate.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A folder holding the four standard MNIST-format files ({@code train-images-idx3-ubyte},
 * {@code train-labels-idx1-ubyte}, {@code t10k-images-idx3-ubyte}, {@code t10k-labels-idx1-ubyte}), each plain
 * or with {@code .gz}; both MNIST and Fashion-MNIST ship this way (10 classes, 28x28). Debian's package
 * {@code dataset-fashion-mnist} installs Fashion-MNIST in {@link #defaultFashionMnistFolder()}.
 */
public record MnistFolder(Path folder, Path trainImages, Path trainLabels, Path testImages, Path testLabels) {
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";
    /** Both MNIST and Fashion-MNIST have 10 classes. */
    public static final int CLASSES = 10;

    private static final String DEBIAN_FASHION_MNIST = "/usr/share/datasets/fashion-mnist";
    private static final List<String> NAMES = List.of(TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS);

    /** Where Debian's {@code dataset-fashion-mnist} installs Fashion-MNIST (the four files, gzipped). */
    public static Path defaultFashionMnistFolder() {
        return Path.of(DEBIAN_FASHION_MNIST);
    }

    /** True if {@code folder} holds all four files (plain or .gz). */
    public static boolean isComplete(Path folder) {
        return NAMES.stream().allMatch(n -> find(folder, n) != null);
    }

    /**
     * Finds the four files in {@code folder}, preferring the plain file when both it and the .gz exist. A missing
     * folder or file is a {@link DataFileException} listing what was looked for and where to get it.
     */
    public static MnistFolder open(Path folder) throws DataFileException {
        Path[] found = locate(folder, NAMES);
        return new MnistFolder(folder, found[0], found[1], found[2], found[3]);
    }

    /**
     * The 10000-example test set of {@code folder}, normalized with {@code norm}, from its two t10k files alone:
     * evaluating a model needs no training files. Missing files are reported as by {@link #open}.
     */
    public static ImageDataset testSet(Path folder, Normalization norm) throws IOException {
        Path[] found = locate(folder, List.of(TEST_IMAGES, TEST_LABELS));
        return ImageDataset.read(found[0], found[1], CLASSES, norm);
    }

    /** Each of {@code names} in {@code folder} (plain or .gz), or an error listing the missing ones. */
    private static Path[] locate(Path folder, List<String> names) throws DataFileException {
        if (!Files.isDirectory(folder)) {
            throw new DataFileException(folder, (Files.exists(folder) ? "is not a folder" : "folder does not exist")
                    + "; expected a folder with " + String.join(", ", names) + " (each plain or with .gz). "
                    + whereToGet());
        }
        List<String> missing = new ArrayList<>();
        Path[] found = new Path[names.size()];
        for (int k = 0; k < names.size(); k++) {
            found[k] = find(folder, names.get(k));
            if (found[k] == null) {
                missing.add(names.get(k) + "[.gz]");
            }
        }
        if (!missing.isEmpty()) {
            throw new DataFileException(folder, "missing " + String.join(", ", missing) + " (each name looked "
                    + "for plain and with .gz). " + whereToGet());
        }
        return found;
    }

    /** The 60000-example training set (for MNIST and Fashion-MNIST), normalized with {@code norm}. */
    public ImageDataset train(Normalization norm) throws IOException {
        return ImageDataset.read(trainImages, trainLabels, CLASSES, norm);
    }

    /** The 10000-example test set, normalized with {@code norm}. */
    public ImageDataset test(Normalization norm) throws IOException {
        return ImageDataset.read(testImages, testLabels, CLASSES, norm);
    }

    private static Path find(Path folder, String name) {
        for (Path p : List.of(folder.resolve(name), folder.resolve(name + ".gz"))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static String whereToGet() {
        return "Fashion-MNIST comes with Debian's package dataset-fashion-mnist (apt-get install "
                + "dataset-fashion-mnist), which installs these files in " + DEBIAN_FASHION_MNIST
                + "; MNIST has the same four files under the same names";
    }
}
