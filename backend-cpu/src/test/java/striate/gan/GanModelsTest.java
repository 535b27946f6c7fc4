package striate.gan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.nn.Parameter;
import striate.optim.Adam;
import striate.optim.RMSprop;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/** The five GANs' nets on the CPU: output shapes, PyTorch's parameter names and shapes, the DCGAN init, recipes. */
class GanModelsTest {
    private static final Device CPU = Device.cpu();

    @Test
    void everyModelMapsLatentsToImagesAndImagesToOneLogit() {
        for (String model : GanRecipe.MODELS) {
            Gan gan = Gan.create(GanRecipe.of(model), 1, CPU);
            Tensor labels = gan.conditional() ? Tensor.ofInts(CPU, new int[] {3, 9}, 2) : null;
            Tensor x = gan.generator().forward(Latents.sample(new Rng(2), 2, CPU), labels);
            assertArrayEquals(new long[] {2, 1, 28, 28}, x.shape().dims(), model);
            float[] v = x.toFloatArray();
            for (float f : v) {
                assertTrue(f >= -1 && f <= 1, model + ": tanh output " + f);
            }
            Tensor logit = gan.discriminator().forward(x, labels);
            assertArrayEquals(new long[] {2, 1}, logit.shape().dims(), model);
            assertEquals(gan.conditional(), model.equals("cgan"));
        }
    }

    @Test
    void dcganNetsHaveTheFixedLayersUnderPyTorchNames() {
        Gan gan = Gan.create(GanRecipe.of("dcgan"), 1, CPU);
        Map<String, Parameter> g = gan.generator().namedParameters();
        assertEquals(List.of("main.0.weight", "main.1.weight", "main.1.bias", "main.3.weight", "main.4.weight",
                "main.4.bias", "main.6.weight"), List.copyOf(g.keySet()));
        assertArrayEquals(new long[] {100, 256, 7, 7}, g.get("main.0.weight").value().shape().dims());
        assertArrayEquals(new long[] {256, 128, 4, 4}, g.get("main.3.weight").value().shape().dims());
        assertArrayEquals(new long[] {128, 1, 4, 4}, g.get("main.6.weight").value().shape().dims());
        Map<String, Parameter> d = gan.discriminator().namedParameters();
        assertEquals(List.of("main.0.weight", "main.2.weight", "main.3.weight", "main.3.bias", "main.5.weight"),
                List.copyOf(d.keySet()));
        assertArrayEquals(new long[] {1, 128, 7, 7}, d.get("main.5.weight").value().shape().dims());
        // the same parameter counts as PyTorch's nets: G 1,779,840 + 1,024 (batch norm); D 1,024 + 131,072 + 256 + 6,272
        assertEquals(100 * 256 * 49 + 256 * 128 * 16 + 128 * 16 + 2 * (256 + 128), gan.generator().parameterCount());
        assertEquals(64 * 16 + 128 * 64 * 16 + 2 * 128 + 128 * 49, gan.discriminator().parameterCount());
        assertTrue(gan.generatorOptimizer() instanceof Adam);
    }

    @Test
    void wganGpCriticHasNoBatchNormAndWganUsesRmsprop() {
        Gan gp = Gan.create(GanRecipe.of("wgan-gp"), 1, CPU);
        assertEquals(List.of("main.0.weight", "main.2.weight", "main.4.weight"),
                List.copyOf(gp.discriminator().namedParameters().keySet()));
        assertTrue(gp.discriminator().namedBuffers().isEmpty());
        Gan w = Gan.create(GanRecipe.of("wgan"), 1, CPU);
        assertTrue(w.discriminatorOptimizer() instanceof RMSprop);
        assertEquals(5, w.recipe().criticSteps());
        assertEquals(0.01, w.recipe().clip());
        assertEquals(10, gp.recipe().penalty());
    }

    @Test
    void conditionalNetsEmbedTheLabel() {
        Gan gan = Gan.create(GanRecipe.of("cgan"), 1, CPU);
        Map<String, Parameter> g = gan.generator().namedParameters();
        assertArrayEquals(new long[] {10, 50}, g.get("label_embedding.weight").value().shape().dims());
        assertArrayEquals(new long[] {150, 256, 7, 7}, g.get("generator.main.0.weight").value().shape().dims());
        Map<String, Parameter> d = gan.discriminator().namedParameters();
        assertArrayEquals(new long[] {10, 784}, d.get("label_embedding.weight").value().shape().dims());
        assertArrayEquals(new long[] {64, 2, 4, 4}, d.get("discriminator.main.0.weight").value().shape().dims());
        // the label changes the image for the same z
        Tensor z = Latents.sample(new Rng(4), 1, CPU);
        float[] a = gan.generator().forward(z, Tensor.ofInts(CPU, new int[] {0}, 1)).toFloatArray();
        float[] b = gan.generator().forward(z, Tensor.ofInts(CPU, new int[] {7}, 1)).toFloatArray();
        assertFalse(java.util.Arrays.equals(a, b));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> gan.generator().forward(z));
        assertTrue(e.getMessage().contains("labels"), e.getMessage());
        Gan plain = Gan.create(GanRecipe.of("gan"), 1, CPU);
        assertThrows(IllegalArgumentException.class, () -> plain.generator().forward(z, Tensor.ofInts(CPU,
                new int[] {0}, 1)));
    }

    @Test
    void dcganInitDrawsConvWeightsWithStd002AndBatchNormNearOne() {
        Gan gan = Gan.create(GanRecipe.of("dcgan"), 7, CPU);
        double[] w = gan.generator().namedParameters().get("main.3.weight").value().toDoubleArray();
        double mean = java.util.Arrays.stream(w).average().orElseThrow();
        double std = Math.sqrt(java.util.Arrays.stream(w).map(v -> (v - mean) * (v - mean)).average().orElseThrow());
        assertEquals(0, mean, 0.001);
        assertEquals(0.02, std, 0.001);
        double[] bn = gan.generator().namedParameters().get("main.1.weight").value().toDoubleArray();
        assertEquals(1, java.util.Arrays.stream(bn).average().orElseThrow(), 0.01);
        assertTrue(java.util.Arrays.stream(gan.generator().namedParameters().get("main.1.bias").value()
                .toDoubleArray()).allMatch(v -> v == 0));
        // the same seed, the same nets
        Gan again = Gan.create(GanRecipe.of("dcgan"), 7, CPU);
        assertArrayEquals(w, again.generator().namedParameters().get("main.3.weight").value().toDoubleArray());
    }

    @Test
    void unknownModelIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GanRecipe.of("vae"));
        assertTrue(e.getMessage().contains("vae") && e.getMessage().contains("dcgan"), e.getMessage());
    }
}
