package striate.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapeTest {
    @Test
    void sizeStridesAndNegativeAxes() {
        Shape s = Shape.of(2, 3, 4);
        assertEquals(24, s.size());
        assertArrayEquals(new long[] {12, 4, 1}, s.contiguousStrides());
        assertEquals(4, s.dim(-1));
        assertEquals(1, Shape.scalar().size());
        assertEquals(0, Shape.scalar().rank());
    }

    @Test
    void longSizesDoNotOverflowInt() {
        Shape s = Shape.of(70_000, 70_000);
        assertEquals(4_900_000_000L, s.size());
    }

    @Test
    void broadcastFollowsNumpyRules() {
        assertEquals(Shape.of(2, 3, 4), Shape.broadcast(Shape.of(3, 1), Shape.of(2, 1, 4)));
        assertEquals(Shape.of(5), Shape.broadcast(Shape.scalar(), Shape.of(5)));
        assertTrue(Shape.of(1, 4).broadcastsTo(Shape.of(3, 4)));
        assertFalse(Shape.of(2, 4).broadcastsTo(Shape.of(3, 4)));
        ShapeMismatchException e = assertThrows(ShapeMismatchException.class,
                () -> Shape.broadcast(Shape.of(2, 3), Shape.of(4, 3)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 3]"), e.getMessage());
    }

    @Test
    void badAxesAndDimsAreClearErrors() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(2, 3).dim(2));
        assertTrue(e.getMessage().contains("axis 2") && e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shape.of(2, -1));
    }

    @Test
    void devicesParseTheCommandLineSpelling() {
        assertEquals(Device.cuda(1), Device.parse("cuda:1"));
        assertEquals(Device.cpu(), Device.parse("CPU"));
        assertEquals(Device.reference(), Device.parse("reference"));
        assertThrows(IllegalArgumentException.class, () -> Device.parse("tpu"));
        assertThrows(IllegalArgumentException.class, () -> Device.parse("cuda:x"));
    }
}
