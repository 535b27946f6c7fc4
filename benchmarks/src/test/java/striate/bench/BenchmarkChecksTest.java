package striate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.tensor.Device;
import striate.tensor.Tensor;

/** Each benchmark's correctness check (the part of its setup that runs before timing), without the timing. */
class BenchmarkChecksTest {
    @Test
    void lenetTrainStepMatchesTheReference() {
        LeNetTrainStep.check();
    }

    @Test
    void alexNetTrainStepMatchesTheReference() {
        AlexNetTrainStep.check();
    }

    @Test
    void lenetInferenceMatchesTheReference() {
        LeNetInference.check();
    }

    @Test
    void recurrentTrainStepsMatchTheReference() { // smaller than the benchmark's own check, which takes seconds
        RecurrentTrainStep.check("lstm", 16, 5, 128);
        RecurrentTrainStep.check("gru", 16, 5, 128);
    }

    @Test
    void theRecurrentStepReplayedFromAGraphIsTheEagerStep() { // GpuRecurrentStep's check, on the cpu: bit for bit
        for (String cell : new String[] {"lstm", "gru"}) {
            double[] timed = new double[2];
            assertEquals(0, GpuRecurrentStep.graphedAgainstEager(cell, 32, 4, 6, Device.cpu(), 3, timed, () -> { }),
                    cell);
            assertTrue(timed[0] > 0 && timed[1] > 0, cell + ": replays timed");
        }
    }

    @Test
    void recurrentInferenceMatchesTheReference() {
        RecurrentInference.check();
    }

    @Test
    void dcganStepMatchesTheReference() { // a smaller batch than the benchmark's own check
        DcganStepBenchmark.check(4);
    }

    @Test
    void smallOpIsExact() {
        SmallOp.check();
    }

    @Test
    void convolutionGradientsMatchTheReference() {
        ConvLeNetC1.check();
    }

    @Test
    void alexNetConvolutionMatchesTheReference() {
        ConvAlexNetConv2.check();
    }

    @Test
    void poolingGradientMatchesTheReference() {
        PoolLeNetS2.check();
    }

    @Test
    void activationGradientsMatchTheReference() {
        for (String fn : new String[] {"relu", "tanh", "sigmoid"}) {
            Activation.check(fn);
        }
    }

    @Test
    void theGpuAlexNetHasTorchvisionsShapesAndParameterCount() {
        striate.nn.Module net = GpuAlexNetStep.model(1).to(Device.cpu());
        long params = net.namedParameters().values().stream().mapToLong(p -> p.value().size()).sum();
        assertEquals(61_100_840, params, "torchvision's AlexNet has 61,100,840 parameters");
        try (striate.autograd.GradMode.Scope off = striate.autograd.GradMode.off()) {
            Tensor y = net.forward(Inputs.uniform(Device.cpu(), 3, 1, 3, 224, 224));
            assertEquals(striate.tensor.Shape.of(1, 1000), y.shape());
        }
    }

    @Test
    void sgemmMatchesDoublePrecisionDots() {
        Sgemm.check(256, Inputs.uniform(Device.cpu(), 6, 256, 256), Inputs.uniform(Device.cpu(), 7, 256, 256));
    }

    @Test
    void theCheckCatchesAWrongResult() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Agreement.assertClose("case", new float[] {1, 2, 3}, new float[] {1, 2.01f, 3}, 1e-3, 0));
        assertTrue(e.getMessage().contains("index 1"), e.getMessage());
    }
}
