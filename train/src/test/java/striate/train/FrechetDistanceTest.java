package striate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Fréchet distance, its Gaussian fit and the Jacobi square root against values worked out by hand. */
class FrechetDistanceTest {

    @Test
    void aFeatureSetIsAtDistanceZeroFromItself() {
        double[][] x = randomFeatures(new Random(1), 400, 12, 0.5);
        assertEquals(0, FrechetDistance.of(x, x), 1e-9);
    }

    @Test
    void diagonalCovariancesGiveTheSumOfSquaredMeanAndStdDifferences() {
        // d² = Σ (μ1 − μ2)² + Σ (σ1 − σ2)² when both covariances are diagonal
        Gaussian g1 = new Gaussian(new double[] {0, 0, 1}, diagonal(1, 4, 9));
        Gaussian g2 = new Gaussian(new double[] {1, 2, 1}, diagonal(4, 9, 1));
        double expected = (1 + 4 + 0) + (1 + 1 + 4);
        assertEquals(expected, FrechetDistance.between(g1, g2), 1e-12);
    }

    @Test
    void rotatedCovariancesGiveTheAnalyticValue() {
        // both rotated by the same R: the distance is that of the diagonal ones, Σ (√a − √b)²
        double[][] r = rotation(0.3, 1.1);
        Gaussian g1 = new Gaussian(new double[3], rotate(r, diagonal(1, 4, 16)));
        Gaussian g2 = new Gaussian(new double[3], rotate(r, diagonal(9, 1, 4)));
        assertEquals(4 + 1 + 4, FrechetDistance.between(g1, g2), 1e-10);

        // identity against [[2, 1], [1, 2]] (eigenvalues 3 and 1, not diagonal): d² = Σ (1 − √λ)² = (1 − √3)²
        Gaussian unit = new Gaussian(new double[2], diagonal(1, 1));
        Gaussian tilted = new Gaussian(new double[2], new double[][] {{2, 1}, {1, 2}});
        double expected = Math.pow(1 - Math.sqrt(3), 2);
        assertEquals(expected, FrechetDistance.between(unit, tilted), 1e-12);
        assertEquals(expected, FrechetDistance.between(tilted, unit), 1e-12);
    }

    @Test
    void theDistanceIsSymmetricForCovariancesThatDoNotCommute() {
        Random rng = new Random(7);
        double[][] a = randomFeatures(rng, 300, 10, 0.8);
        double[][] b = randomFeatures(rng, 250, 10, -0.4);
        double ab = FrechetDistance.of(a, b);
        double ba = FrechetDistance.of(b, a);
        assertTrue(ab > 0.1, "distinct sets are apart: " + ab);
        assertEquals(ab, ba, 1e-9 * ab);
    }

    @Test
    void theSquareRootSquaredIsTheMatrix() {
        Random rng = new Random(3);
        int d = 20;
        double[][] x = new double[d][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        double[][] a = FrechetDistance.multiply(x, transpose(x)); // symmetric positive definite
        SymmetricEigen e = SymmetricEigen.of(a);
        double[][] s = e.sqrt();
        double[][] ss = FrechetDistance.multiply(s, s);
        double[][] vtv = FrechetDistance.multiply(transpose(e.vectors()), e.vectors());
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                assertEquals(a[i][j], ss[i][j], 1e-10 * d, "S·S at " + i + "," + j);
                assertEquals(s[i][j], s[j][i], 1e-12, "S symmetric at " + i + "," + j);
                assertEquals(i == j ? 1 : 0, vtv[i][j], 1e-12, "VᵀV at " + i + "," + j);
            }
        }
    }

    @Test
    void aSemiDefiniteMatrixHasARootWithoutNaN() {
        // rank 1: eigenvalues 2 and 0, the 0 may round to a tiny negative
        double[][] a = {{1, 1}, {1, 1}};
        double[][] s = SymmetricEigen.of(a).sqrt();
        double h = Math.sqrt(0.5);
        assertEquals(h, s[0][0], 1e-12);
        assertEquals(h, s[0][1], 1e-12);
        assertEquals(h, s[1][1], 1e-12);
    }

    @Test
    void theGaussianFitUsesTheUnbiasedCovariance() {
        Gaussian g = Gaussian.fit(new double[][] {{1, 2}, {3, 6}, {5, 4}});
        assertEquals(3, g.mean()[0], 1e-15);
        assertEquals(4, g.mean()[1], 1e-15);
        assertEquals(4, g.covariance()[0][0], 1e-15); // (4 + 0 + 4) / (3 − 1)
        assertEquals(4, g.covariance()[1][1], 1e-15);
        assertEquals(2, g.covariance()[0][1], 1e-15);
        assertEquals(2, g.covariance()[1][0], 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Gaussian.fit(new double[][] {{1, 2}}));
        assertThrows(IllegalArgumentException.class,
                () -> FrechetDistance.of(new double[][] {{1, 2}, {2, 1}}, new double[][] {{1}, {2}}));
        assertThrows(IllegalArgumentException.class,
                () -> FrechetDistance.of(new double[][] {{1, Double.NaN}, {2, 1}}, new double[][] {{1, 0}, {2, 1}}));
    }

    /** [n, d] features with correlated columns: x_j = z_j + mix·z_{j−1}, shifted by mix. */
    private static double[][] randomFeatures(Random rng, int n, int d, double mix) {
        double[][] x = new double[n][d];
        for (double[] row : x) {
            double previous = rng.nextGaussian();
            for (int j = 0; j < d; j++) {
                double z = rng.nextGaussian();
                row[j] = z + mix * previous + mix;
                previous = z;
            }
        }
        return x;
    }

    private static double[][] diagonal(double... values) {
        double[][] m = new double[values.length][values.length];
        for (int i = 0; i < values.length; i++) {
            m[i][i] = values[i];
        }
        return m;
    }

    /** A 3-D rotation: about z by {@code a}, then about x by {@code b}. */
    private static double[][] rotation(double a, double b) {
        double[][] rz = {{Math.cos(a), -Math.sin(a), 0}, {Math.sin(a), Math.cos(a), 0}, {0, 0, 1}};
        double[][] rx = {{1, 0, 0}, {0, Math.cos(b), -Math.sin(b)}, {0, Math.sin(b), Math.cos(b)}};
        return FrechetDistance.multiply(rx, rz);
    }

    /** R·M·Rᵀ, made exactly symmetric. */
    private static double[][] rotate(double[][] r, double[][] m) {
        double[][] out = FrechetDistance.multiply(FrechetDistance.multiply(r, m), transpose(r));
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < i; j++) {
                out[j][i] = out[i][j];
            }
        }
        return out;
    }

    private static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }
}
