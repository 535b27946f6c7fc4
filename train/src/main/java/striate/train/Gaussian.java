package striate.train;

/**
 * A Gaussian fitted to a feature set: the mean [d] and the unbiased covariance [d, d] (divided by n − 1, as
 * numpy's {@code np.cov} in the reference FID code), all in double.
 */
public record Gaussian(double[] mean, double[][] covariance) {
    public Gaussian {
        for (double[] row : covariance) {
            if (row.length != mean.length) {
                throw new IllegalArgumentException("covariance must be [" + mean.length + ", " + mean.length
                        + "] for a mean of " + mean.length + " values, got a row of " + row.length);
            }
        }
        if (covariance.length != mean.length) {
            throw new IllegalArgumentException("covariance has " + covariance.length + " rows for a mean of "
                    + mean.length + " values");
        }
    }

    /** Fits {@code features} ([n, d], n ≥ 2 rows of equal length). */
    public static Gaussian fit(double[][] features) {
        int n = features.length;
        if (n < 2) {
            throw new IllegalArgumentException("a Gaussian needs at least 2 feature vectors for its covariance, got " + n);
        }
        int d = features[0].length;
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            if (features[i].length != d) {
                throw new IllegalArgumentException("feature vector " + i + " has " + features[i].length
                        + " values, the first has " + d);
            }
            for (int j = 0; j < d; j++) {
                mean[j] += features[i][j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        double[][] cov = new double[d][d];
        double[] centred = new double[d];
        for (double[] x : features) {
            for (int j = 0; j < d; j++) {
                centred[j] = x[j] - mean[j];
            }
            for (int j = 0; j < d; j++) {
                for (int k = j; k < d; k++) {
                    cov[j][k] += centred[j] * centred[k];
                }
            }
        }
        for (int j = 0; j < d; j++) {
            for (int k = j; k < d; k++) {
                cov[j][k] /= n - 1;
                cov[k][j] = cov[j][k];
            }
        }
        return new Gaussian(mean, cov);
    }

    public int dimension() {
        return mean.length;
    }
}
