package striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import striate.tensor.Device;

/**
 * Whole documents in windows: rows longest first, each window continuing each row, inputs and targets shifted by
 * one, padding after a row's end (x 0, y ignored), rows that end dropping off the bottom, documents of fewer than 2
 * characters left out, and every predicted character counted once.
 */
class DocumentWindowsTest {
    private static final Device REF = Device.reference();
    private static final int I = SequenceBatch.IGNORE_INDEX;

    @Test
    void windowsContinueEachDocumentLongestFirstAndPadAfterItsEnd() {
        List<int[]> docs = List.of(new int[] {1, 2, 3, 4}, new int[] {9}, new int[] {5, 6, 7, 8, 9, 10, 11});
        DocumentWindows w = new DocumentWindows(docs, 3, REF);
        assertEquals(2, w.documents(), "the 1-character document predicts nothing");
        assertEquals(2, w.numBatches(), "ceil(6 / 3)");
        assertEquals(6 + 3, w.characters());

        SequenceBatch first = w.batch(0);
        assertArrayEquals(new int[] {5, 6, 7, 1, 2, 3}, first.x().toIntArray());
        assertArrayEquals(new int[] {6, 7, 8, 2, 3, 4}, first.y().toIntArray());
        assertArrayEquals(new int[] {3, 3}, first.lengths());
        assertArrayEquals(new int[] {2, 0}, first.indices(), "rows are documents 2 and 0 of the list");

        SequenceBatch second = w.batch(1);
        assertArrayEquals(new int[] {8, 9, 10}, second.x().toIntArray(), "document 0 ended: one row left");
        assertArrayEquals(new int[] {9, 10, 11}, second.y().toIntArray());
        assertArrayEquals(new int[] {2}, second.indices());

        List<SequenceBatch> all = new ArrayList<>();
        w.forEach(all::add);
        assertEquals(2, all.size());
        assertThrows(IndexOutOfBoundsException.class, () -> w.batch(2));
    }

    @Test
    void shorterRowsArePaddedInTheirLastWindow() {
        DocumentWindows w = new DocumentWindows(List.of(new int[] {1, 2, 3, 4, 5, 6}, new int[] {7, 8, 9}), 4, REF);
        SequenceBatch first = w.batch(0);
        assertArrayEquals(new int[] {1, 2, 3, 4, 7, 8, 0, 0}, first.x().toIntArray());
        assertArrayEquals(new int[] {2, 3, 4, 5, 8, 9, I, I}, first.y().toIntArray());
        assertArrayEquals(new int[] {4, 2}, first.lengths());
        SequenceBatch second = w.batch(1);
        assertArrayEquals(new int[] {5}, second.x().toIntArray());
        assertArrayEquals(new int[] {6}, second.y().toIntArray());
        assertThrows(IllegalArgumentException.class, () -> new DocumentWindows(List.of(new int[] {1, 2}), 0, REF));
    }
}
