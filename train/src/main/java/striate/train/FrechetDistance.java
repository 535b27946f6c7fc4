package striate.train;

/**
 * The Fréchet distance between two Gaussians, the measure of FID (Heusel et al., 2017, "GANs trained by a two
 * time-scale update rule converge to a local Nash equilibrium"):
 * d² = ||μ1 − μ2||² + Tr(Σ1 + Σ2 − 2·(Σ1^½ Σ2 Σ1^½)^½), in the symmetric form whose inner matrix is symmetric
 * positive semi-definite, so only symmetric square roots ({@link SymmetricEigen}) are needed. Means [d],
 * covariances [d, d], all in double.
 */
public final class FrechetDistance {
    private FrechetDistance() {
    }

    /** The distance between the Gaussians fitted to feature sets {@code a} [n, d] and {@code b} [m, d]. */
    public static double of(double[][] a, double[][] b) {
        return between(Gaussian.fit(a), Gaussian.fit(b));
    }

    /** The distance between two Gaussians of the same dimension. */
    public static double between(Gaussian g1, Gaussian g2) {
        int d = g1.dimension();
        if (g2.dimension() != d) {
            throw new IllegalArgumentException("Gaussians of different dimensions: " + d + " and " + g2.dimension()
                    + "; fit both to features of the same extractor");
        }
        double meanTerm = 0;
        double trace = 0;
        for (int i = 0; i < d; i++) {
            double diff = g1.mean()[i] - g2.mean()[i];
            meanTerm += diff * diff;
            trace += g1.covariance()[i][i] + g2.covariance()[i][i];
        }
        double[][] root1 = SymmetricEigen.of(g1.covariance()).sqrt(); // Σ1^½
        double[][] inner = symmetrized(multiply(multiply(root1, g2.covariance()), root1)); // Σ1^½ Σ2 Σ1^½
        // Tr(M^½) is the sum of the square roots of M's eigenvalues; those below 0 come from rounding and count as 0
        double traceRoot = 0;
        for (double lambda : SymmetricEigen.of(inner).values()) {
            traceRoot += Math.sqrt(Math.max(lambda, 0));
        }
        return meanTerm + trace - 2 * traceRoot;
    }

    static double[][] multiply(double[][] x, double[][] y) {
        int n = x.length;
        int k = y.length;
        int m = y[0].length;
        double[][] out = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int l = 0; l < k; l++) {
                double xil = x[i][l];
                for (int j = 0; j < m; j++) {
                    out[i][j] += xil * y[l][j];
                }
            }
        }
        return out;
    }

    /** (M + Mᵀ) / 2: removes the asymmetry that rounding leaves in a product that is symmetric in exact arithmetic. */
    private static double[][] symmetrized(double[][] m) {
        int d = m.length;
        double[][] s = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                s[i][j] = (m[i][j] + m[j][i]) / 2;
            }
        }
        return s;
    }
}
