package striate.op;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Convolution and pooling parameters out of range are named with the values given (they printed zeros). */
class ParamsMessageTest {
    @Test
    void theValuesGivenAreNamed() {
        assertEquals("conv padding must be >= 0, got -1x-1", assertThrows(IllegalArgumentException.class,
                () -> ConvParams.of(1, -1)).getMessage());
        assertEquals("conv stride, dilation and groups must be >= 1, got stride 0x2, dilation 1x1, groups 1",
                assertThrows(IllegalArgumentException.class, () -> new ConvParams(0, 2, 0, 0, 1, 1, 1)).getMessage());
        assertEquals("pool kernel and stride must be >= 1, got kernel 2x2, stride 0x0", assertThrows(
                IllegalArgumentException.class, () -> PoolParams.of(2, 0)).getMessage());
        assertEquals("pool padding must be between 0 and half the kernel, got padding 2x2 for kernel 3x3",
                assertThrows(IllegalArgumentException.class, () -> new PoolParams(3, 3, 1, 1, 2, 2, true)).getMessage());
    }
}
