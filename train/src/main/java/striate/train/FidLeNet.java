package striate.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import striate.autograd.GradMode;
import striate.data.IdxImages;
import striate.data.Normalization;
import striate.models.LeNet5;
import striate.nn.Module;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * FID-LeNet: the Fréchet distance ({@link FrechetDistance}) between two image sets, measured on the features of a
 * LeNet-5 trained on Fashion-MNIST instead of Inception-v3's, so its numbers are not comparable with published FIDs.
 * The features are the 84-wide output of F6 after its activation ({@value #FEATURE_LAYER}), the layer before the
 * classifier. Images are [n, 1, 28, 28] floats in the normalisation the LeNet was trained with
 * ({@code Normalization.FASHION_MNIST} for {@code striate train}; {@link #images(byte[], int)} gives 8-bit images
 * so); they run in eval mode, without gradients, in
 * batches of {@value #BATCH}. The same LeNet also gives the accuracy of images against given labels (a conditional
 * GAN's samples against their conditioning classes).
 */
public final class FidLeNet {
    /** The LeNet-5 layer whose output is the feature vector. */
    public static final String FEATURE_LAYER = "act6";
    /** The feature width: F6's outputs. */
    public static final int FEATURES = 84;
    private static final int BATCH = 500;
    private static final int SIDE = 28;

    private final LeNet5 model;
    private final Device device;

    /** Scores with {@code model} (trained; put in eval mode here) on {@code device}. */
    public FidLeNet(LeNet5 model, Device device) {
        this.model = model;
        this.device = device;
        model.to(device);
        model.eval();
    }

    /** Loads a LeNet-5 checkpoint written by {@code striate train}; an error names the file if it holds another model. */
    public static FidLeNet load(Path checkpoint, Device device) throws IOException {
        Checkpoint c = Checkpoint.load(checkpoint).requireModel(LeNet5.NAME);
        LeNet5 model = new LeNet5(LeNet5.Config.parse(c.modelConfig()), 0);
        c.restoreInto(model);
        return new FidLeNet(model, device);
    }

    /**
     * The first {@code n} 8-bit 28×28 images of {@code pixels} (as an image file holds them) as FID-LeNet takes
     * them: [n, 1, 28, 28] on the host, normalised as {@code striate train} normalises Fashion-MNIST.
     */
    public static Tensor images(byte[] pixels, int n) {
        if (n < 0 || (long) n * SIDE * SIDE > pixels.length) {
            throw new IllegalArgumentException("FID-LeNet: " + n + " images of 28x28 need " + (long) n * SIDE * SIDE
                    + " pixels, got " + pixels.length);
        }
        float[] table = Normalization.FASHION_MNIST.table();
        float[] x = new float[n * SIDE * SIDE];
        for (int i = 0; i < x.length; i++) {
            x[i] = table[pixels[i] & 0xFF];
        }
        return Tensor.of(Device.reference(), x, n, 1, SIDE, SIDE);
    }

    /** All of {@code images} (28×28) as FID-LeNet takes them; see {@link #images(byte[], int)}. */
    public static Tensor images(IdxImages images) {
        if (images.rows() != SIDE || images.cols() != SIDE) {
            throw new IllegalArgumentException("FID-LeNet needs 28x28 images, got " + images.rows() + "x"
                    + images.cols());
        }
        return images(images.pixels(), images.count());
    }

    /** FID-LeNet between image sets {@code a} [n, 1, 28, 28] and {@code b} [m, 1, 28, 28], n, m ≥ 2. */
    public double score(Tensor a, Tensor b) {
        return FrechetDistance.of(features(a), features(b));
    }

    /** The Gaussian of {@code images}' features, to score many sets against one reference set without refitting it. */
    public Gaussian fit(Tensor images) {
        return Gaussian.fit(features(images));
    }

    /** The features of {@code images} [n, 1, 28, 28]: [n, 84]. */
    public double[][] features(Tensor images) {
        checkImages(images);
        int n = (int) images.dim(0);
        double[][] out = new double[n][];
        forEachBatch(images, (start, x) -> {
            for (Module layer : model.children().values()) {
                x = layer.forward(x);
                if (layer == model.children().get(FEATURE_LAYER)) {
                    break;
                }
            }
            double[] values = x.toDoubleArray(); // [b, 84]
            for (int i = 0; i < x.dim(0); i++) {
                out[start + i] = Arrays.copyOfRange(values, i * FEATURES, (i + 1) * FEATURES);
            }
        });
        return out;
    }

    /** The fraction of {@code images} [n, 1, 28, 28] that the LeNet classifies as {@code labels} [n]. */
    public double labelAccuracy(Tensor images, int[] labels) {
        checkImages(images);
        if (labels.length != images.dim(0)) {
            throw new IllegalArgumentException("labels has " + labels.length + " entries for " + images.dim(0)
                    + " images; give one label per image");
        }
        int[] correct = {0};
        forEachBatch(images, (start, x) -> {
            int[] predicted = Metrics.argmax(model.forward(x)); // [b]
            for (int i = 0; i < predicted.length; i++) {
                if (predicted[i] == labels[start + i]) {
                    correct[0]++;
                }
            }
        });
        return labels.length == 0 ? Double.NaN : (double) correct[0] / labels.length;
    }

    private interface BatchBody {
        void accept(int start, Tensor x);
    }

    /** Runs {@code body} on batches of {@code images} moved to the device, without gradients. */
    private void forEachBatch(Tensor images, BatchBody body) {
        int n = (int) images.dim(0);
        try (GradMode.Scope off = GradMode.off()) {
            for (int start = 0; start < n; start += BATCH) {
                int end = Math.min(n, start + BATCH);
                try (MemoryScope scope = MemoryScope.open()) { // the batch's tensors go back to the pool after it
                    body.accept(start, images.slice(0, start, end).contiguous().to(device)); // [b, 1, 28, 28]
                }
            }
        }
    }

    private static void checkImages(Tensor images) {
        long[] dims = images.shape().dims();
        if (dims.length != 4 || dims[1] != 1 || dims[2] != 28 || dims[3] != 28) {
            throw new IllegalArgumentException("FID-LeNet images must be [n, 1, 28, 28], got " + images.shape()
                    + "; resize or convert them to 28x28 grey images first");
        }
    }
}
