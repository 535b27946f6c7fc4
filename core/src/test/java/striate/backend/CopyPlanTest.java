package striate.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The plan's simplification on the cases its description names, and the offsets it visits. */
class CopyPlanTest {
    @Test
    void aSliceOfRowsIsOneAxisOfRuns() {
        CopyPlan p = CopyPlan.of(new long[] {64, 1000}, new long[] {4096, 1}, 7, new long[] {1000, 1}, 0);
        assertArrayEquals(new long[] {64}, p.dims());
        assertArrayEquals(new long[] {4096}, p.srcStrides());
        assertArrayEquals(new long[] {1000}, p.dstStrides());
        assertEquals(1000, p.run());
    }

    @Test
    void contiguousViewsAreOneRunAndSizeOneAxesVanish() {
        CopyPlan p = CopyPlan.of(new long[] {2, 1, 3, 4}, new long[] {12, 99, 4, 1}, 5, new long[] {12, 12, 4, 1}, 0);
        assertEquals(0, p.rank());
        assertEquals(24, p.run());
        List<long[]> visited = new ArrayList<>();
        p.forEach(0, (s, d) -> visited.add(new long[] {s, d}));
        assertEquals(1, visited.size());
        assertArrayEquals(new long[] {5, 0}, visited.getFirst());
    }

    @Test
    void aTransposeKeepsBothAxesWithRunsOfOne() {
        CopyPlan p = CopyPlan.of(new long[] {3, 2}, new long[] {1, 3}, 0, new long[] {2, 1}, 10);
        assertArrayEquals(new long[] {3, 2}, p.dims());
        assertEquals(1, p.run());
        List<String> rows = new ArrayList<>();
        p.forEach(1, (s, d) -> rows.add(s + "->" + d));
        assertEquals(List.of("0->10", "1->12", "2->14"), rows);
        List<String> all = new ArrayList<>();
        p.forEach(0, (s, d) -> all.add(s + "->" + d));
        assertEquals(List.of("0->10", "3->11", "1->12", "4->13", "2->14", "5->15"), all);
    }

    @Test
    void anEmptyShapeMovesNothing() {
        CopyPlan p = CopyPlan.of(new long[] {4, 0, 3}, new long[] {3, 3, 1}, 0, new long[] {3, 3, 1}, 0);
        assertEquals(0, p.run());
        p.forEach(0, (s, d) -> {
            throw new AssertionError("visited " + s);
        });
    }
}
