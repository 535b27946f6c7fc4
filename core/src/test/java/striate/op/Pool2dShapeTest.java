package striate.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.tensor.Shape;
import striate.tensor.ShapeMismatchException;

/**
 * Pooling's output shape: an input with no rows or columns is refused even where padding would give it windows
 * (windows of padding alone, which the GPU kernel would read outside the input for); an empty batch is fine.
 */
class Pool2dShapeTest {
    private static final Pool2dOp PADDED = new Pool2dOp(PoolMode.MAX, new PoolParams(2, 2, 2, 2, 1, 1, false));

    @Test
    void anInputWithoutRowsOrColumnsIsRefusedEvenWithPadding() {
        for (Shape x : new Shape[] {Shape.of(1, 1, 0, 5), Shape.of(1, 1, 5, 0)}) {
            ShapeMismatchException e = assertThrows(ShapeMismatchException.class, () -> PADDED.inferShape(x));
            assertTrue(e.getMessage().contains("at least one cell high and wide"), e.getMessage());
        }
    }

    @Test
    void anEmptyBatchKeepsItsShape() {
        assertEquals(Shape.of(0, 3, 3, 3), PADDED.inferShape(Shape.of(0, 3, 4, 4)));
    }
}
