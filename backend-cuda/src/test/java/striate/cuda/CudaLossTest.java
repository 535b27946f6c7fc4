package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import striate.nn.Losses;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.Fixtures;

/**
 * Cross-entropy's label check on cuda names the same row as the reference's, the first bad one, however the GPU
 * schedules the blocks of a batch with several bad labels far apart.
 */
@Tag("gpu")
class CudaLossTest {
    @Test
    void severalBadLabelsAreReportedByTheFirstRowAsOnTheReference() {
        Gpu.backend();
        int n = 3000;
        int classes = 10;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
        }
        labels[2999] = 12;
        labels[1500] = -1;
        labels[700] = 10;
        String want = message(Device.reference(), labels, n, classes);
        assertEquals(want, message(Device.cuda(0), labels, n, classes));
        assertEquals(true, want.contains("target[700] = 10"), want);
    }

    private static String message(Device d, int[] labels, int n, int classes) {
        Tensor logits = Fixtures.uniform(d, 1, -1, 1, n, classes);
        Tensor targets = Tensor.ofInts(Device.cpu(), labels).to(d);
        return assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(logits, targets).item())
                .getMessage();
    }
}
