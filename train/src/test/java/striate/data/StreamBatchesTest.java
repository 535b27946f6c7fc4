package striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.tensor.DType;
import striate.tensor.Device;

/** PyTorch's batchify/get_batch, batch-first, on a stream 0, 1, 2, ... whose ids are their positions. */
class StreamBatchesTest {
    private static final Device DEVICE = Device.reference();

    private static int[] stream(int n) {
        int[] s = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = i;
        }
        return s;
    }

    @Test
    void rowsAreContiguousSlicesAndTargetsAreTheNextIds() {
        StreamBatches b = new StreamBatches(stream(103), 4, 7, DEVICE);   // 103 = 4 rows of 25, 3 dropped
        assertEquals(25, b.columns());
        assertEquals(4, b.numBatches());                                // windows of 7, 7, 7, 3 over 24 inputs
        int k = 0;
        int seen = 0;
        for (SequenceBatch batch : b) {
            int len = k < 3 ? 7 : 3;
            assertArrayEquals(new long[] {4, len}, batch.x().shape().dims());
            assertEquals(DType.I32, batch.x().dtype());
            assertArrayEquals(new int[] {len, len, len, len}, batch.lengths());
            assertEquals(k, batch.index());
            int[] x = batch.x().toIntArray();
            int[] y = batch.y().toIntArray();
            for (int r = 0; r < 4; r++) {
                for (int s = 0; s < len; s++) {
                    assertEquals(r * 25 + k * 7 + s, x[r * len + s]);
                    assertEquals(x[r * len + s] + 1, y[r * len + s]);
                }
            }
            seen += len;
            k++;
        }
        assertEquals(24, seen, "every step of a row but the last is an input once");
    }

    @Test
    void windowsOfAnExactMultipleHaveNoShortTail() {
        StreamBatches b = new StreamBatches(stream(2 * 21), 2, 5, DEVICE);   // 20 inputs per row: 4 windows of 5
        assertEquals(4, b.numBatches());
        assertEquals(5, b.batch(3).maxLength());
        assertArrayEquals(new int[] {15, 16, 17, 18, 19, 36, 37, 38, 39, 40}, b.batch(3).x().toIntArray());
        assertArrayEquals(new int[] {16, 17, 18, 19, 20, 37, 38, 39, 40, 41}, b.batch(3).y().toIntArray());
        assertThrows(IndexOutOfBoundsException.class, () -> b.batch(4));
    }

    @Test
    void aStreamTooShortForTheRowsIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new StreamBatches(stream(7), 4, 3, DEVICE));
        assertTrue(e.getMessage().contains("too short for 4 rows"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new StreamBatches(stream(70), 4, 0, DEVICE));
    }
}
