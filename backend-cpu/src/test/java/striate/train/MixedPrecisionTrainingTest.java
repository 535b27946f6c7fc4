package striate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.amp.Precision;
import striate.data.Dataset;
import striate.data.MnistFolder;
import striate.data.Normalization;
import striate.models.LeNet5;
import striate.optim.LrSchedule;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * LeNet-5 trained on a small real Fashion-MNIST subset on {@code cpu} in fp32, bf16 and fp16 (float32 master
 * weights; fp16 with the loss scaler): the mixed-precision runs learn (the loss falls well below its start, accuracy
 * far above chance), bf16 ends within a few points of fp32 with the same data and seed, checkpoints keep float32
 * weights and the scaler's state, and a resumed run refuses another precision.
 */
class MixedPrecisionTrainingTest {
    private static final Device CPU = Device.cpu();
    private static final int EPOCHS = 2;
    /** A learning rate at which 2 epochs on 3000 images end where the accuracy curve has flattened. */
    private static final double LR = 0.02;

    @TempDir
    static Path dir;

    private static Dataset train;
    private static Dataset validation;
    private static final Map<Precision, History> HISTORIES = new EnumMap<>(Precision.class);

    @BeforeAll
    static void trainInEachPrecision() throws IOException {
        Path data = MnistFolder.defaultFashionMnistFolder();
        assumeTrue(MnistFolder.isComplete(data), "Fashion-MNIST not found in " + data
                + ": install Debian's package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)");
        MnistFolder folder = MnistFolder.open(data);
        train = folder.train(Normalization.FASHION_MNIST).subset(3000);
        validation = folder.test(Normalization.FASHION_MNIST).subset(1000);
        for (Precision p : Precision.values()) {
            HISTORIES.put(p, fit(p, EPOCHS, dir.resolve(p.toString()), null));
        }
    }

    private static Trainer.Options options(Precision p, int epochs, Path checkpoints) {
        return new Trainer.Options(epochs, 32, 7, LR, LrSchedule.constant(), 0, 0, LeNet5.NAME, "", checkpoints,
                null).withPrecision(p);
    }

    private static History fit(Precision p, int epochs, Path checkpoints, Checkpoint resume) {
        LeNet5 net = new LeNet5(LeNet5.Config.defaults(), 42);
        net.to(CPU);
        Optimizer sgd = Sgd.builder(net.namedParameters()).lr(LR).momentum(0.9).build();
        return new Trainer(net, sgd, CPU, options(p, epochs, checkpoints)).fit(train, validation, resume);
    }

    private static Checkpoint last(Precision p) throws IOException {
        return Checkpoint.load(dir.resolve(p.toString()).resolve(Trainer.LAST));
    }

    @Test
    void bf16AndFp16Learn() throws IOException {
        for (Precision p : new Precision[] {Precision.BF16, Precision.FP16}) {
            EpochStats e = HISTORIES.get(p).last().orElseThrow();
            double first = last(p).optimizerScalars().get(Trainer.FIRST_LOSS).doubleValue();
            assertTrue(first > 2, p + ": the untrained loss is about ln 10, got " + first);
            assertTrue(e.trainLoss() < 0.5 * first && e.valLoss() < 0.5 * first, p + ": loss " + e.trainLoss()
                    + ", validation " + e.valLoss() + ", first batch " + first);
            assertTrue(e.valMetric() > 0.6, p + ": validation accuracy " + e.valMetric() + " (chance is 0.1)");
        }
    }

    @Test
    void bf16EndsWithinAFewPointsOfFp32() {
        double fp32 = HISTORIES.get(Precision.FP32).last().orElseThrow().valMetric();
        double bf16 = HISTORIES.get(Precision.BF16).last().orElseThrow().valMetric();
        double fp16 = HISTORIES.get(Precision.FP16).last().orElseThrow().valMetric();
        assertEquals(fp32, bf16, 0.03, "bf16 vs fp32 validation accuracy");
        assertEquals(fp32, fp16, 0.03, "fp16 vs fp32 validation accuracy");
        assertTrue(bf16 != fp32 || HISTORIES.get(Precision.BF16).last().orElseThrow().trainLoss()
                != HISTORIES.get(Precision.FP32).last().orElseThrow().trainLoss(), "bf16 must not be fp32 in disguise");
    }

    @Test
    void checkpointsKeepFloat32WeightsAndTheScalersState() throws IOException {
        for (Precision p : Precision.values()) {
            Checkpoint c = last(p);
            for (Map.Entry<String, Tensor> w : c.model().entrySet()) {
                assertEquals(DType.F32, w.getValue().dtype(), p + " " + w.getKey());
            }
            boolean scaled = c.optimizerScalars().containsKey(Trainer.SCALER + "scale");
            assertEquals(p == Precision.FP16, scaled, p + ": the scaler's state is kept for fp16 alone");
            assertEquals(p == Precision.FP32 ? null : p.toString(), c.settings().get(Trainer.PRECISION));
        }
        double scale = last(Precision.FP16).optimizerScalars().get(Trainer.SCALER + "scale").doubleValue();
        assertTrue(scale >= 1 && scale <= 65536 * 2, "scale " + scale);
    }

    @Test
    void aResumedRunKeepsItsPrecisionAndScale() throws IOException {
        Checkpoint fp16 = last(Precision.FP16);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fit(Precision.BF16, EPOCHS + 1, null, fp16));
        assertTrue(e.getMessage().contains("trained in fp16") && e.getMessage().contains("bf16")
                && !e.getMessage().contains("\n"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> fit(Precision.FP32, EPOCHS + 1, null, fp16));
        assertThrows(IllegalArgumentException.class, () -> fit(Precision.FP16, EPOCHS + 1, null,
                last(Precision.FP32)));

        LeNet5 net = new LeNet5(LeNet5.Config.defaults(), 42);
        net.to(CPU);
        Optimizer sgd = Sgd.builder(net.namedParameters()).lr(LR).momentum(0.9).build();
        Trainer resumed = new Trainer(net, sgd, CPU, options(Precision.FP16, EPOCHS, null));
        resumed.fit(train.subset(32), null, fp16); // nothing left to train: restores and stops
        assertEquals(fp16.optimizerScalars().get(Trainer.SCALER + "scale").doubleValue(), resumed.scaler().scale());
        assertFalse(resumed.scaler().scale() == 0);
    }
}
