package striate.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import striate.backend.Backend;
import striate.backend.Backends;
import striate.backend.CapturedGraph;
import striate.nn.Parameter;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * An optimizer's first step makes its state (momentum, moments, Adam's counts) lazily: captured, its zeroing would run
 * at every replay and start the state over each time, silently. It is refused with one line; after one eager step
 * the captured step is the eager one.
 */
class CapturedFirstStepTest {
    private static final Device REF = Device.reference();

    @Test
    void aFirstStepInACaptureIsRefusedAndALaterOneReplaysAsEager() {
        List<Function<Map<String, Parameter>, Optimizer>> makers = List.of(
                ps -> Sgd.builder(ps).lr(0.1).momentum(0.9).build(), ps -> Adam.builder(ps).lr(0.1).build());
        Backend backend = Backends.of(REF);
        for (Function<Map<String, Parameter>, Optimizer> make : makers) {
            Parameter w = new Parameter(Tensor.of(REF, DType.F32, new double[] {1, -2}));
            Parameter same = new Parameter(Tensor.of(REF, DType.F32, new double[] {1, -2}));
            Optimizer captured = make.apply(Map.of("w", w));
            Optimizer eager = make.apply(Map.of("w", same));
            w.value().setGrad(Tensor.of(REF, DType.F32, new double[] {0.5, 0.25}));
            same.value().setGrad(Tensor.of(REF, DType.F32, new double[] {0.5, 0.25}));

            long mark = captured.stepsAsked();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> backend.captureGraph(captured::step), captured.toString());
            assertTrue(e.getMessage().contains("take one eager step before capturing"), e.getMessage());
            captured.forgetStepsAfter(mark); // as StepGraph undoes a failed capture

            captured.step();
            eager.step();
            try (CapturedGraph g = backend.captureGraph(captured::step)) {
                for (int i = 0; i < 3; i++) {
                    g.replay();
                    if (i > 0) { // the capture counted the step its first replay applies, as in StepGraph
                        captured.countReplayedStep();
                    }
                    eager.step();
                }
            } catch (Exception x) {
                throw new AssertionError(x);
            }
            assertArrayEquals(same.value().toFloatArray(), w.value().toFloatArray(), captured.toString());
            assertEquals(4, captured.steps());
        }
    }
}
