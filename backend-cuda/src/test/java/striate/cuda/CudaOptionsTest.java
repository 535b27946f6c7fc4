package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The backend's switches from system properties, without a GPU: 2-byte products are native unless turned off. */
class CudaOptionsTest {
    private static final String PRODUCTS = "striate.cuda.lowPrecisionProducts";

    @Test
    void lowPrecisionProductsAreOnUnlessSetToFalse() {
        String before = System.getProperty(PRODUCTS);
        try {
            System.clearProperty(PRODUCTS);
            assertTrue(CudaOptions.fromSystemProperties().lowPrecisionProducts());
            System.setProperty(PRODUCTS, "false");
            assertFalse(CudaOptions.fromSystemProperties().lowPrecisionProducts());
            System.setProperty(PRODUCTS, "true");
            assertTrue(CudaOptions.fromSystemProperties().lowPrecisionProducts());
        } finally {
            if (before == null) {
                System.clearProperty(PRODUCTS);
            } else {
                System.setProperty(PRODUCTS, before);
            }
        }
        assertEquals(new CudaOptions(false, false, false, true), CudaOptions.defaults());
    }
}
