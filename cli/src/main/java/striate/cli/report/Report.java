package striate.cli.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.style.Styler.LegendPosition;
import striate.data.Normalization;
import striate.tensor.Tensor;
import striate.train.EpochStats;
import striate.train.Metrics;

/**
 * The result folder of a training run: {@code loss.png} and {@code accuracy.png} (train and validation curves
 * per epoch), {@code confusion.png} (test confusion matrix with counts), {@code filters.png} (the first conv
 * layer's filters, when the model has one), {@code misclassified.png} (up to 36 misclassified test images, when
 * there are any) and {@code metrics.json}. Each file is replaced atomically, so a failure never leaves a
 * half-written one. The pictures are drawn with the typeface shipped in the jar ({@link ReportTypeface}), so they
 * render on machines without system fonts; one that still cannot be drawn is a warning, never a failure.
 *
 * @param model             model name for titles, e.g. "lenet5"
 * @param device            the device trained on, e.g. "cpu" or "cuda:0"
 * @param classNames        one name per class, in label order
 * @param history           the epochs trained, at least one
 * @param test              test-set metrics
 * @param testLoss          mean test loss
 * @param firstLayerFilters the first conv layer's weight [k, c, kh, kw], or null when there is none
 * @param misclassified     misclassified test images (the first 36 are drawn)
 * @param normalization     how each channel's pixels were normalized (to turn them back into gray or RGB levels)
 * @param precision         how the run trained: fp32, or bf16 or fp16 mixed precision
 */
public record Report(String model, String device, List<String> classNames, List<EpochStats> history, Metrics test,
        double testLoss, Tensor firstLayerFilters, List<Example> misclassified, List<Normalization> normalization,
        String precision) {

    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    /** One test image as the network saw it: {@code pixels} [channels, height, width], normalized; 1 or 3 channels. */
    public record Example(float[] pixels, int channels, int height, int width, int actual, int predicted) {
        public Example {
            if (channels != 1 && channels != 3) {
                throw new IllegalArgumentException("an example image has 1 (gray) or 3 (RGB) channels, got " + channels);
            }
            if (height < 1 || width < 1 || pixels.length != channels * height * width) {
                throw new IllegalArgumentException(pixels.length + " values for an image of " + channels + "x" + height
                        + "x" + width);
            }
        }
    }

    /** A report of a run trained in fp32. */
    public Report(String model, String device, List<String> classNames, List<EpochStats> history, Metrics test,
                  double testLoss, Tensor firstLayerFilters, List<Example> misclassified,
                  List<Normalization> normalization) {
        this(model, device, classNames, history, test, testLoss, firstLayerFilters, misclassified, normalization,
                "fp32");
    }

    public Report {
        classNames = List.copyOf(classNames);
        history = List.copyOf(history);
        misclassified = List.copyOf(misclassified);
        normalization = List.copyOf(normalization);
        if (history.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one epoch of history");
        }
        if (classNames.size() != test.classes()) {
            throw new IllegalArgumentException(classNames.size() + " class names for " + test.classes()
                    + " classes");
        }
        if (firstLayerFilters != null && firstLayerFilters.rank() != 4) {
            throw new IllegalArgumentException("first-layer filters must be [k, c, kh, kw], got "
                    + firstLayerFilters.shape());
        }
        for (Example e : misclassified) {
            if (e.channels() != normalization.size()) {
                throw new IllegalArgumentException("an example with " + e.channels() + " channels but "
                        + normalization.size() + " channel normalizations");
            }
            if (e.actual() < 0 || e.actual() >= classNames.size() || e.predicted() < 0
                    || e.predicted() >= classNames.size()) {
                throw new IllegalArgumentException("misclassified example with classes " + e.actual() + " and "
                        + e.predicted() + " outside [0, " + classNames.size() + ")");
            }
        }
    }

    /** Mean training throughput over the epochs, in images per second. */
    public double trainImagesPerSecond() {
        return history.stream().mapToDouble(EpochStats::samplesPerSecond).average().orElseThrow();
    }

    /**
     * Writes the report into {@code folder} (created when missing) and returns the files written: metrics.json
     * first, then each picture. A picture that cannot be drawn or written (no usable font, AWT's native libraries
     * missing, a full disk) is left out with a one-line warning on {@code warnings} naming it and why, so a
     * finished training run always keeps its numbers. A folder that cannot be created or written to, or a
     * metrics.json that cannot be written, is an IOException naming it.
     */
    public List<Path> write(Path folder, PrintWriter warnings) throws IOException {
        return write(folder, warnings, ReportTypeface::load);
    }

    /** {@link #write(Path, PrintWriter)} with the typeface from {@code typeface} (tests give one that fails). */
    List<Path> write(Path folder, PrintWriter warnings, ReportTypeface.Source typeface) throws IOException {
        return ReportFiles.write(folder, MetricsJson.of(this), pictures(), warnings, typeface);
    }

    /** The pictures this report has, by file name, in the order they are written. */
    private Map<String, ReportFiles.Picture> pictures() {
        Map<String, ReportFiles.Picture> p = new LinkedHashMap<>();
        p.put("loss.png", plots -> plots.curves("Loss — " + model, "mean cross-entropy loss", history,
                EpochStats::trainLoss, EpochStats::valLoss, 1, LegendPosition.InsideNE));
        p.put("accuracy.png", plots -> plots.curves("Accuracy — " + model, "accuracy (%)", history,
                EpochStats::trainMetric, EpochStats::valMetric, 100, LegendPosition.InsideSE));
        p.put("confusion.png", plots -> plots.confusion(String.format(Locale.ROOT,
                "Confusion matrix — %s, test accuracy %.2f%%", model, test.accuracy() * 100),
                test.confusionMatrix(), classNames));
        if (firstLayerFilters != null) {
            p.put("filters.png", plots -> plots.filters(String.format(Locale.ROOT,
                    "First-layer filters — %s, %d × %d × %d × %d", model, firstLayerFilters.dim(0),
                    firstLayerFilters.dim(1), firstLayerFilters.dim(2), firstLayerFilters.dim(3)), firstLayerFilters));
        }
        if (!misclassified.isEmpty()) {
            p.put("misclassified.png", plots -> plots.misclassified("Misclassified test images (true → predicted)",
                    misclassified, classNames, normalization));
        }
        return p;
    }
}
