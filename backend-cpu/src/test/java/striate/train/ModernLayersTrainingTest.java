package striate.train;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.Dataset;
import striate.data.MnistFolder;
import striate.data.Normalization;
import striate.nn.AdaptiveAvgPool2d;
import striate.nn.Conv2d;
import striate.nn.Dropout;
import striate.nn.Dropout2d;
import striate.nn.Flatten;
import striate.nn.GELU;
import striate.nn.GroupNorm;
import striate.nn.LayerNorm;
import striate.nn.Linear;
import striate.nn.Module;
import striate.nn.SiLU;
import striate.nn.Sequential;
import striate.optim.Adadelta;
import striate.optim.Adam;
import striate.optim.LrSchedule;
import striate.optim.Optimizer;
import striate.tensor.Device;
import striate.tensor.Rng;

/**
 * The layers, optimizers and schedules added after the classic curriculum, trained on a small real Fashion-MNIST subset
 * (3000 images, 2 epochs) on {@code cpu} by the Trainer: an MLP with LayerNorm, GELU and dropout under AdamW with a
 * one-epoch warm-up, and a small convolutional net with GroupNorm, SiLU, channel dropout and adaptive
 * average pooling under Adadelta. Each must learn: test accuracy on 1000 test images far above chance (10%).
 */
class ModernLayersTrainingTest {
    private static final Device CPU = Device.cpu();

    @TempDir
    static Path dir;

    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void data() throws IOException {
        Path data = MnistFolder.defaultFashionMnistFolder();
        assumeTrue(MnistFolder.isComplete(data), "Fashion-MNIST not found in " + data
                + ": install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)");
        MnistFolder folder = MnistFolder.open(data);
        train = folder.train(Normalization.FASHION_MNIST).subset(3000);
        test = folder.test(Normalization.FASHION_MNIST).subset(1000);
    }

    private static double accuracyAfterTraining(Module net, Optimizer optimizer, double lr, LrSchedule schedule,
                                                String name) {
        net.to(CPU);
        Trainer.Options options = new Trainer.Options(2, 32, 7, lr, schedule, 0, 0, name, "", dir.resolve(name), null);
        new Trainer(net, optimizer, CPU, options).fit(train, null, null);
        return Evaluation.of(net, test, CPU, 500).accuracy();
    }

    @Test
    void anMlpWithLayerNormAndGeluLearnsUnderAdamWWithAWarmUp() {
        Rng rng = new Rng(11);
        Sequential net = new Sequential(new Flatten(), new Linear(784, 128, rng), new LayerNorm(128), new GELU(),
                new Dropout(0.1, rng), new Linear(128, 10, rng));
        Optimizer adamw = Adam.builder(net.namedParameters()).lr(2e-3).weightDecay(0.01).decoupled(true).build();
        double accuracy = accuracyAfterTraining(net, adamw, 2e-3, LrSchedule.warmup(1, 0.1, LrSchedule.constant()),
                "mlp-layernorm-gelu");
        assertTrue(accuracy > 0.7, "test accuracy " + accuracy);
    }

    @Test
    void aConvNetWithGroupNormSiluAndAdaptivePoolingLearnsUnderAdadelta() {
        Rng rng = new Rng(12);
        Sequential net = new Sequential(new Conv2d(1, 16, 3, 1, 1, rng), new GroupNorm(4, 16), new SiLU(),
                new Dropout2d(0.1, rng), new AdaptiveAvgPool2d(7), new Flatten(), new Linear(16 * 49, 10, rng));
        Optimizer adadelta = Adadelta.builder(net.namedParameters()).build();
        double accuracy = accuracyAfterTraining(net, adadelta, 1.0, LrSchedule.constant(), "conv-groupnorm-silu");
        assertTrue(accuracy > 0.6, "test accuracy " + accuracy);
    }
}
