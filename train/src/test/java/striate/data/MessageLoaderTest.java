package striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import striate.data.SpamAssassin.Message;
import striate.data.SpamData.Example;
import striate.tensor.Device;

/** Message batches: padding to the batch's longest (at least the minimum), labels, seeded epoch orders. */
class MessageLoaderTest {
    private static List<Example> examples(int n) {
        List<Example> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int[] ids = new int[1 + i % 7];
            Arrays.fill(ids, 2 + i);
            out.add(new Example(new Message(String.valueOf(i), "spam-1", Path.of(i + ".json"), ""), ids, i % 2));
        }
        return out;
    }

    @Test
    void padsToTheLongestMessageOrTheMinimumLength() {
        MessageLoader loader = new MessageLoader(examples(10), 4, 5, null, Device.reference());
        assertEquals(3, loader.numBatches());
        Iterator<Batch> it = loader.epoch(0);
        Batch first = it.next();  // messages 0..3: 1..4 ids, padded to 5
        assertArrayEquals(new long[] {4, 5}, first.x().shape().dims());
        assertArrayEquals(new int[] {2, 0, 0, 0, 0, 3, 3, 0, 0, 0, 4, 4, 4, 0, 0, 5, 5, 5, 5, 0}, first.x().toIntArray());
        assertArrayEquals(new int[] {0, 1, 0, 1}, first.y().toIntArray());
        Batch second = it.next();  // messages 4..7: 5, 6, 7, 1 ids
        assertArrayEquals(new long[] {4, 7}, second.x().shape().dims());
        Batch last = it.next();
        assertEquals(2, last.size());
        assertFalse(it.hasNext());
    }

    @Test
    void anEpochsOrderDependsOnSeedAndEpochAlone() {
        MessageLoader a = new MessageLoader(examples(50), 8, 5, 42L, Device.reference());
        MessageLoader b = new MessageLoader(examples(50), 8, 5, 42L, Device.reference());
        assertArrayEquals(a.order(3), b.order(3));
        assertFalse(Arrays.equals(a.order(0), a.order(1)));
        int[] sorted = a.order(2).clone();
        Arrays.sort(sorted);
        int[] all = new int[50];
        Arrays.setAll(all, k -> k);
        assertArrayEquals(all, sorted);
    }
}
