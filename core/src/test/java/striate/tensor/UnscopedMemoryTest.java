package striate.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/**
 * Memory held outside scopes stays near the collection threshold when an eager loop drops its tensors: blocks of a
 * megabyte allocated and dropped a thousand times, which left alone the collector would not reclaim (the loop makes
 * almost no Java garbage). A run with the collection request removed held all 1,000 MB at the end.
 */
class UnscopedMemoryTest {
    private static final long MB = 1 << 20;
    private static final long THRESHOLD = 64 * MB;
    /**
     * The most a dropping loop may hold: the threshold rises only while blocks stay reachable, to twice what was
     * held, and a block the cleaner has not freed yet counts as reachable, so on a loaded machine (the collector's
     * cleaner later than the 100 ms wait) it may rise once more; a run without the collection request held 1,000 MB.
     * It held 130 MB once, with twice the threshold as the bound.
     */
    private static final long BOUND = 4 * THRESHOLD + MB;

    @Test
    void theCAllocatorsBlocksStayNearTheThresholdWhenDropped() {
        UnscopedMemory held = new UnscopedMemory(THRESHOLD);
        NativeHeap heap = NativeHeap.open(held).orElseThrow(() -> new AssertionError(
                "the tests run with native access (--enable-native-access=ALL-UNNAMED)"));
        long most = 0;
        for (int i = 0; i < 1000; i++) {
            heap.allocate(MB).set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) i); // used, then dropped
            most = Math.max(most, held.outstanding());
        }
        assertTrue(held.collections() >= 1, "no collection was asked for");
        assertTrue(most <= BOUND, "held at most " + most / MB + " MB");
    }

    @Test
    void arenaMemoryIsCountedUntilItsSegmentIsUnreachable() {
        UnscopedMemory held = new UnscopedMemory(THRESHOLD);
        long most = 0;
        for (int i = 0; i < 1000; i++) {
            held.track(Arena.ofAuto().allocate(MB, 64));
            most = Math.max(most, held.outstanding());
        }
        assertTrue(held.collections() >= 1, "no collection was asked for");
        assertTrue(most <= BOUND, "held at most " + most / MB + " MB");
    }

    @Test
    void memoryStillInUseRaisesTheThresholdInsteadOfCollectingOnEveryAllocation() {
        UnscopedMemory held = new UnscopedMemory(8 * MB);
        java.util.List<java.lang.foreign.MemorySegment> kept = new java.util.ArrayList<>();
        for (int i = 0; i < 64; i++) {
            kept.add(held.track(Arena.ofAuto().allocate(MB, 64)));
        }
        assertEquals(64 * MB, held.outstanding());
        // 64 MB held for real: each collection doubles the threshold, so a handful, not one per megabyte past 8
        assertTrue(held.collections() <= 4, held.collections() + " collections");
        assertEquals(64, kept.size());
    }

    @Test
    void theThresholdPropertyMustBeAWholeNumber() {
        String before = System.getProperty("striate.host.collectAfterBytes");
        System.setProperty("striate.host.collectAfterBytes", "1g");
        try {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    UnscopedMemory::fromSystemProperties);
            assertTrue(e.getMessage().contains("whole number of bytes, got '1g'"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty("striate.host.collectAfterBytes");
            } else {
                System.setProperty("striate.host.collectAfterBytes", before);
            }
        }
    }
}
