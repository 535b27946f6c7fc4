package striate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import striate.cli.report.Report;
import striate.data.Dataset;
import striate.data.ImageDataset;
import striate.data.ImageFolder;
import striate.data.MnistFolder;
import striate.data.Normalization;
import striate.train.Checkpoint;

/**
 * What {@code train} reads: training images (augmented where the source augments), a seeded validation split of
 * them, the test images (null when the source has none; the report then evaluates on validation), the class
 * names in label order and each channel's normalization.
 */
record TrainingData(String source, Dataset train, Dataset validation, Dataset test, List<String> classNames,
                    List<Normalization> normalization) {

    /**
     * An MNIST-format folder (Fashion-MNIST: 60,000 training and 10,000 test images of 28×28), normalized with
     * Fashion-MNIST's statistics, its classes called {@code classNames}. {@code validation} is taken of all training
     * images; {@code limit} > 0 then keeps the first {@code limit} of the rest for training.
     */
    static TrainingData mnist(Path folder, ValidationSplit validation, long seed, int limit, List<String> classNames)
            throws IOException {
        MnistFolder mnist = MnistFolder.open(folder);
        Normalization norm = Normalization.FASHION_MNIST;
        ImageDataset all = requireImages(requireLeNetSize(mnist.train(norm), folder), mnist.trainImages());
        ImageDataset test = requireImages(requireLeNetSize(mnist.test(norm), folder), mnist.testImages());
        Dataset.Split split = all.split(validation.of(all.size(), folder.toString()), seed);
        return new TrainingData(folder.toString(), limited(split.train(), limit), split.validation(),
                test, classNames, List.of(norm));
    }

    /**
     * The class names a lenet5 checkpoint's run gave (train's recorded --class-names), else Fashion-MNIST's: what
     * evaluate and predict call its classes.
     */
    static List<String> mnistClassNames(Checkpoint c) {
        String recorded = c.settings().get("--class-names");
        return recorded == null || recorded.isEmpty() ? Report.FASHION_MNIST_CLASSES
                : List.of(recorded.split(",", -1));
    }

    /** {@code images}, read from {@code file}, unless it holds none (the test set too: train scores it at the end). */
    private static ImageDataset requireImages(ImageDataset images, Path file) {
        if (images.size() == 0) {
            throw new IllegalArgumentException(file + " holds no images; train needs training and test images");
        }
        return images;
    }

    /**
     * {@code images} of MNIST-format data in {@code folder}, which LeNet-5 (its C5 covers a 5×5 map) takes at 28×28
     * only; other sizes used to fail deep in the network, naming a layer's shapes.
     */
    static ImageDataset requireLeNetSize(ImageDataset images, Path folder) {
        if (images.height() != 28 || images.width() != 28) {
            throw new IllegalArgumentException(folder + " holds " + images.height() + "x" + images.width()
                    + " images; LeNet-5 takes 28x28 MNIST-format images (resize them, or train --model alexnet on "
                    + "an image folder)");
        }
        return images;
    }

    /**
     * An image folder: {@code root/train/<class>/...} with {@code root/val} (or {@code root/test}) as the test
     * set, or {@code root/<class>/...} alone. Training images are randomly cropped and flipped; validation and
     * test images are centre crops. {@code validation} is taken of all training images; {@code limit} > 0 then
     * samples {@code limit} of the rest for training.
     */
    static TrainingData imageFolder(Path root, int size, int resize, int channels, ValidationSplit validation,
                                    long seed, int limit) throws IOException {
        Path trainRoot = Files.isDirectory(root.resolve("train")) ? root.resolve("train") : root;
        boolean hasTest = !trainRoot.equals(root) && firstFolder(root.resolve("val"), root.resolve("test")) != null;
        ImageFolder all = ImageFolder.builder(trainRoot).crops(size, resize, channels).build();
        int held = validation.of(all.size(), trainRoot.toString());
        if (held == 0 && !hasTest) {
            throw new IllegalArgumentException(root + " has no val/ or test/ folder and --validation holds out no "
                    + "images, so nothing would be left to evaluate on; hold out some (--validation N) or add val/");
        }
        Dataset.Split split = all.split(held, seed);
        Dataset train = all.augmented().split(held, seed).train(); // the same examples, augmented
        Dataset test = null;
        if (hasTest) {
            ImageFolder t = testFolder(root, size, resize, channels);
            if (!t.classNames().equals(all.classNames())) {
                throw new IllegalArgumentException(t.root() + " has classes " + t.classNames() + " but " + trainRoot
                        + " has " + all.classNames() + "; both need the same class folders");
            }
            test = t;
        }
        if (limit > 0 && limit < train.size()) { // a seeded sample: the folder's order is class by class
            train = train.split(train.size() - limit, seed).train();
        }
        return new TrainingData(root.toString(), train, split.validation(), test, all.classNames(),
                all.normalization());
    }

    /** The folder of test images under {@code root}: its val/ or test/ subfolder, else root itself. */
    static ImageFolder testFolder(Path root, int size, int resize, int channels) throws IOException {
        Path folder = firstFolder(root.resolve("val"), root.resolve("test"));
        return ImageFolder.builder(folder != null ? folder : root).crops(size, resize, channels).build();
    }

    private static Path firstFolder(Path... candidates) {
        for (Path p : candidates) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    private static Dataset limited(Dataset d, int limit) {
        return limit > 0 ? d.subset(Math.min(limit, d.size())) : d;
    }

    /** The set the report's test metrics come from: the test images, or validation when there are none. */
    Dataset reportSet() {
        return test != null ? test : validation;
    }
}
