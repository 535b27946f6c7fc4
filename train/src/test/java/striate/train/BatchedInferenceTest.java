package striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import striate.autograd.GradMode;
import striate.nn.Linear;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/** Batches in order, the module in eval mode without gradients while they run, training mode afterwards. */
class BatchedInferenceTest {
    @Test
    void batchesGiveTheOutputsOfAllRowsInOrderInEvalModeWithoutGradients() {
        Device ref = Device.reference();
        Linear layer = new Linear(3, 2, new Rng(1));
        float[] x = new float[7 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = i * 0.1f - 1;
        }
        Tensor all = Tensor.of(ref, x, 7, 3);
        float[] expected;
        try (GradMode.Scope off = GradMode.off()) {
            expected = layer.forward(all).toFloatArray();
        }
        List<int[]> batches = new ArrayList<>();
        float[] got = BatchedInference.run(layer, 7, 3, (start, end) -> {
            assertFalse(layer.isTraining());
            assertFalse(GradMode.isEnabled());
            batches.add(new int[] {start, end});
            return layer.forward(all.slice(0, start, end));
        });
        assertArrayEquals(expected, got, 1e-6f);
        assertEquals(List.of("0-3", "3-6", "6-7"), batches.stream().map(b -> b[0] + "-" + b[1]).toList());
        assertTrue(layer.isTraining(), "back in training mode");
        assertEquals(0, BatchedInference.run(layer, 0, 3, (start, end) -> null).length);
    }
}
