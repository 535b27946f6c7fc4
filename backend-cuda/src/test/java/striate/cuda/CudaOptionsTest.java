package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The backend's switches from system properties, without a GPU: 2-byte products are native unless turned off; cuDNN's
 * legacy interface unless the graph API is asked for.
 */
class CudaOptionsTest {
    private static final String PRODUCTS = "striate.cuda.lowPrecisionProducts";
    private static final String API = "striate.cuda.cudnnApi";

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
        assertEquals(new CudaOptions(false, false, false, true, CudnnApi.LEGACY), CudaOptions.defaults());
    }

    @Test
    void theCudnnInterfaceIsLegacyUnlessGraphIsAskedFor() {
        String before = System.getProperty(API);
        try {
            System.clearProperty(API);
            assertEquals(CudnnApi.LEGACY, CudaOptions.fromSystemProperties().cudnnApi());
            System.setProperty(API, "graph");
            assertEquals(CudnnApi.GRAPH, CudaOptions.fromSystemProperties().cudnnApi());
            System.setProperty(API, "fastest");
            assertThrows(IllegalArgumentException.class, CudaOptions::fromSystemProperties);
        } finally {
            if (before == null) {
                System.clearProperty(API);
            } else {
                System.setProperty(API, before);
            }
        }
    }
}
