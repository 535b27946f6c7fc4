package striate.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import striate.autograd.GradCheck;
import striate.nn.Module;
import striate.nn.Parameter;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;
import striate.train.Reconstruction;

/**
 * The VAE's loss: gradients through the reparameterisation (fixed ε) against finite differences, for the inputs and
 * for every parameter; the KL term against a numerical integration of its definition and exactly 0 at the prior;
 * z = μ + σ·ε by hand; ε reproducible from the model's registered generator.
 */
class VaeTest {
    private static final Device REF = Device.reference();

    /** A 2×3-pixel VAE with 5 hidden units and a 3-wide code, in float64 for gradient checks. */
    private static Vae tiny(long seed) {
        Vae v = new Vae(2, 3, 5, 3, new Rng(seed));
        v.to(DType.F64);
        return v;
    }

    @Test
    void lossGradientThroughTheReparameterisationMatchesFiniteDifferences() {
        Vae vae = tiny(1);
        Tensor x = GradCheck.uniform(REF, 2, 0.05, 0.95, 4, 1, 2, 3);
        Tensor eps = GradCheck.uniform(REF, 3, -2, 2, 4, 3);
        GradCheck.Result r = GradCheck.standard().check(t -> vae.loss(t[0], t[1]).total(), x, eps);
        assertTrue(r.passed(), r.toString());
        assertTrue(r.checked() >= 30, r.toString());
    }

    @Test
    void parameterGradientsOfTheLossMatchFiniteDifferences() {
        Vae vae = tiny(4);
        Tensor x = GradCheck.uniform(REF, 5, 0.05, 0.95, 4, 1, 2, 3);
        Tensor eps = GradCheck.uniform(REF, 6, -2, 2, 4, 3);
        assertParameterGradients(vae, () -> vae.loss(x, eps).total());
    }

    /** Every parameter element's analytic gradient against a central difference of the loss (h = 1e-6). */
    static void assertParameterGradients(Module m, Supplier<Tensor> loss) {
        m.zeroGrad();
        loss.get().backward();
        int checked = 0;
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
            Tensor p = e.getValue().value();
            double[] analytic = e.getValue().grad().toDoubleArray();
            double[] v = p.toDoubleArray();
            for (int j = 0; j < v.length; j++) {
                double v0 = v[j];
                v[j] = v0 + 1e-6;
                p.copyFrom(v);
                double plus = loss.get().item();
                v[j] = v0 - 1e-6;
                p.copyFrom(v);
                double minus = loss.get().item();
                v[j] = v0;
                p.copyFrom(v);
                double numeric = (plus - minus) / 2e-6;
                assertEquals(numeric, analytic[j], 1e-5 + 1e-4 * Math.abs(numeric), e.getKey() + "[" + j + "]");
                checked++;
            }
        }
        assertTrue(checked > 50, "checked " + checked);
    }

    @Test
    void klMatchesANumericalIntegrationOfItsDefinition() {
        double[] mu = {0.3, -1.2, 0.0, 2.0, 0.5, -0.1};
        double[] logVar = {-0.5, 0.4, 1.0, -2.0, 0.0, 0.7};
        Tensor kl = VariationalAutoencoder.klDivergence(Tensor.of(REF, DType.F64, mu, 2, 3),
                Tensor.of(REF, DType.F64, logVar, 2, 3));
        double expected = 0;
        for (int i = 0; i < mu.length; i++) {
            expected += integratedKl(mu[i], Math.exp(0.5 * logVar[i]));
        }
        expected /= 2; // per row (image), averaged over the 2 rows
        assertEquals(expected, kl.item(), 1e-7);
    }

    /** ∫ q(z) log(q(z) / p(z)) dz for q = N(m, s²), p = N(0, 1), by Simpson's rule over m ± 12s. */
    private static double integratedKl(double m, double s) {
        int steps = 20_000;
        double lo = m - 12 * s;
        double h = 24 * s / steps;
        double sum = 0;
        for (int k = 0; k <= steps; k++) {
            double z = lo + k * h;
            double logQ = -0.5 * Math.log(2 * Math.PI) - Math.log(s) - (z - m) * (z - m) / (2 * s * s);
            double logP = -0.5 * Math.log(2 * Math.PI) - z * z / 2;
            double f = Math.exp(logQ) * (logQ - logP);
            sum += f * (k == 0 || k == steps ? 1 : k % 2 == 1 ? 4 : 2);
        }
        return sum * h / 3;
    }

    @Test
    void klIsExactlyZeroAtThePriorAndItsGradientMatches() {
        Tensor zeros = Tensor.zeros(REF, DType.F64, 4, 3);
        assertEquals(0.0, VariationalAutoencoder.klDivergence(zeros, zeros).item(), 0.0);
        assertEquals(0.0, VariationalAutoencoder.klDivergence(zeros.to(DType.F32), zeros.to(DType.F32)).item(), 0.0);
        GradCheck.Result r = GradCheck.standard().check(t -> VariationalAutoencoder.klDivergence(t[0], t[1]),
                GradCheck.uniform(REF, 7, -2, 2, 4, 3), GradCheck.uniform(REF, 8, -2, 2, 4, 3));
        assertTrue(r.passed(), r.toString());
        assertTrue(VariationalAutoencoder.klDivergence(GradCheck.uniform(REF, 9, 0.1, 1, 4, 3), zeros).item() > 0,
                "KL > 0 off the prior");
    }

    @Test
    void reparameterisationIsMuPlusSigmaTimesEpsilon() {
        Tensor mu = Tensor.of(REF, DType.F64, new double[] {1, -2}, 1, 2);
        Tensor logVar = Tensor.of(REF, DType.F64, new double[] {Math.log(4), 0}, 1, 2);
        Tensor eps = Tensor.of(REF, DType.F64, new double[] {0.5, -3}, 1, 2);
        assertArrayEquals(new double[] {1 + 2 * 0.5, -2 - 3},
                VariationalAutoencoder.reparameterize(mu, logVar, eps).toDoubleArray(), 1e-12);
    }

    @Test
    void epsilonComesFromTheModelsRegisteredGeneratorAndRepeatsFromItsState() {
        Vae a = new Vae(20, 7);
        Vae b = new Vae(20, 7);
        assertTrue(a.namedRngs().containsKey("noise"), a.namedRngs().keySet().toString());
        long state = a.namedRngs().get("noise").state();
        float[] first = a.noise(8).toFloatArray();
        assertArrayEquals(first, b.noise(8).toFloatArray(), "the same seed draws the same ε");
        float[] second = a.noise(8).toFloatArray();
        assertNotEquals(first[0], second[0], "each draw moves the generator on");
        a.namedRngs().get("noise").setState(state);
        assertArrayEquals(first, a.noise(8).toFloatArray(), "a restored state draws the same ε again");
        double mean = 0;
        double square = 0;
        float[] many = a.noise(5000).toFloatArray();
        for (float v : many) {
            mean += v / many.length;
            square += (double) v * v / many.length;
        }
        assertEquals(0, mean, 0.01);
        assertEquals(1, square, 0.03);
    }

    @Test
    void shapesAndAWrongImageSizeAreOneLine() {
        Vae vae = new Vae(20, 1);
        Tensor x = Tensor.zeros(REF, DType.F32, 3, 1, 28, 28);
        VariationalAutoencoder.Posterior q = vae.encode(x);
        assertEquals(3, q.mu().dim(0));
        assertEquals(20, q.logVar().dim(1));
        assertArrayEquals(new long[] {3, 1, 28, 28}, vae.reconstruct(x).shape().dims());
        assertArrayEquals(new long[] {5, 1, 28, 28}, vae.decode(Tensor.zeros(REF, DType.F32, 5, 20)).shape().dims());
        Reconstruction.Terms t = vae.loss(x);
        assertTrue(t.reconstruction().item() > 0 && t.kl().item() >= 0, t.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> vae.encode(Tensor.zeros(REF, DType.F32, 3, 1, 32, 32)));
        assertTrue(e.getMessage().contains("[3, 1, 32, 32]") && e.getMessage().contains("[n, 1, 28, 28]"),
                e.getMessage());
    }
}
