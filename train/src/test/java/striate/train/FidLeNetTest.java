package striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.Dataset;
import striate.data.MnistFolder;
import striate.data.Normalization;
import striate.models.LeNet5;
import striate.nn.Losses;
import striate.optim.Adam;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * FID-LeNet on the real Fashion-MNIST (skipped, with the reason, when Debian's dataset-fashion-mnist is not
 * installed), with a LeNet-5 trained here for one pass over a small slice of the training set.
 */
class FidLeNetTest {
    private static final Device REF = Device.reference();
    private static final int TRAIN = 1200;
    private static final int HALF = 500;

    private static LeNet5 model;
    private static FidLeNet fid;
    private static Dataset test;

    @BeforeAll
    static void trainALeNet() throws IOException {
        Path dir = MnistFolder.defaultFashionMnistFolder();
        assumeTrue(MnistFolder.isComplete(dir), "Fashion-MNIST not found in " + dir
                + ": install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)");
        MnistFolder folder = MnistFolder.open(dir);
        Dataset train = folder.train(Normalization.FASHION_MNIST);
        test = folder.test(Normalization.FASHION_MNIST);
        model = new LeNet5(LeNet5.Config.defaults(), 1);
        Adam opt = Adam.builder(model.namedParameters()).lr(2e-3).build();
        int batch = 20;
        for (int start = 0; start < TRAIN; start += batch) {
            opt.zeroGrad();
            Losses.crossEntropy(model.forward(images(train, start, start + batch)), labels(train, start, start + batch))
                    .backward();
            opt.step();
        }
        fid = new FidLeNet(model, REF);
    }

    @Test
    void realImagesScoreFarCloserToRealImagesThanToNoise() {
        Tensor a = images(test, 0, HALF); // [500, 1, 28, 28]
        Tensor b = images(test, HALF, 2 * HALF);
        Random rng = new Random(5);
        float[] noisy = a.toFloatArray();
        for (int i = 0; i < noisy.length; i++) {
            noisy[i] += (float) (1.5 * rng.nextGaussian()); // heavy noise: 1.5 standard deviations of the pixels
        }
        float[] uniform = new float[noisy.length];
        float low = Normalization.FASHION_MNIST.apply(0);
        float high = Normalization.FASHION_MNIST.apply(255);
        for (int i = 0; i < uniform.length; i++) {
            uniform[i] = low + (high - low) * rng.nextFloat();
        }
        Gaussian fitted = fid.fit(a);
        double real = FrechetDistance.between(fitted, fid.fit(b));
        double againstNoisy = FrechetDistance.between(fitted, fid.fit(Tensor.of(REF, noisy, HALF, 1, 28, 28)));
        double againstUniform = FrechetDistance.between(fitted, fid.fit(Tensor.of(REF, uniform, HALF, 1, 28, 28)));
        assertTrue(real >= 0, "real " + real);
        assertTrue(real < againstNoisy / 20, "real vs real " + real + ", real vs noisy " + againstNoisy);
        assertTrue(real < againstUniform / 20, "real vs real " + real + ", real vs uniform " + againstUniform);
        assertEquals(0, FrechetDistance.between(fitted, fitted), 1e-6 * againstNoisy, "a set against itself");
    }

    @Test
    void theFeaturesAreTheInputOfTheClassifier() {
        Tensor x = images(test, 0, 30);
        double[][] features = fid.features(x);
        assertEquals(30, features.length);
        float[] flat = new float[30 * FidLeNet.FEATURES];
        for (int i = 0; i < 30; i++) {
            assertEquals(FidLeNet.FEATURES, features[i].length);
            for (int j = 0; j < FidLeNet.FEATURES; j++) {
                assertTrue(features[i][j] >= 0, "after ReLU: " + features[i][j]);
                flat[i * FidLeNet.FEATURES + j] = (float) features[i][j];
            }
        }
        float[] fromFeatures = model.children().get("output").forward(Tensor.of(REF, flat, 30, FidLeNet.FEATURES))
                .toFloatArray();
        assertArrayEquals(model.forward(x).toFloatArray(), fromFeatures, 1e-4f);
    }

    @Test
    void theLabelAccuracyOnRealImagesIsTheTestAccuracy() {
        Tensor x = images(test, 0, HALF);
        int[] y = labels(test, 0, HALF).toIntArray();
        double accuracy = fid.labelAccuracy(x, y);
        double evaluated = Evaluation.of(model, test.subset(0, HALF), REF, 250).accuracy();
        assertEquals(evaluated, accuracy, 1e-12);
        assertTrue(accuracy > 0.6, "a LeNet after one pass over " + TRAIN + " images: " + accuracy);
        int[] wrong = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            wrong[i] = (y[i] + 1) % 10;
        }
        assertTrue(fid.labelAccuracy(x, wrong) < 0.2, "shifted labels are mostly wrong");
        assertThrows(IllegalArgumentException.class, () -> fid.labelAccuracy(images(test, 0, 10), new int[9]));
    }

    @Test
    void aCheckpointOfTheLeNetScoresTheSameAndOtherModelsAreRefused(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("lenet.ckpt");
        new Checkpoint(LeNet5.NAME, model.config().toString(), 1, TRAIN / 20, Map.of(), List.of(),
                Checkpoint.stateOf(model), Map.of(), Map.of()).save(file);
        Tensor a = images(test, 0, 100);
        Tensor b = images(test, 100, 200);
        assertEquals(fid.score(a, b), FidLeNet.load(file, REF).score(a, b), 1e-9);

        Path other = dir.resolve("alexnet.ckpt");
        new Checkpoint("alexnet", "", 1, 1, Map.of(), List.of(), Map.of(), Map.of(), Map.of()).save(other);
        CheckpointException e = assertThrows(CheckpointException.class, () -> FidLeNet.load(other, REF));
        assertTrue(e.getMessage().contains("lenet5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> fid.features(Tensor.zeros(REF,
                striate.tensor.DType.F32, 4, 1, 32, 32)));
    }

    /** Examples [from, to) of {@code data}: [to − from, 1, 28, 28]. */
    private static Tensor images(Dataset data, int from, int to) {
        float[] x = new float[(to - from) * 784];
        for (int i = from; i < to; i++) {
            data.image(i, x, (i - from) * 784);
        }
        return Tensor.of(REF, x, to - from, 1, 28, 28);
    }

    private static Tensor labels(Dataset data, int from, int to) {
        int[] y = new int[to - from];
        for (int i = from; i < to; i++) {
            y[i - from] = data.label(i);
        }
        return Tensor.ofInts(REF, y, to - from);
    }
}
