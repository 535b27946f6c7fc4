package striate.train;

/**
 * The eigen-decomposition A = V·diag(λ)·Vᵀ of a real symmetric [d, d] matrix by cyclic Jacobi rotations, in double:
 * slow (O(d³) per sweep) but simple and accurate for the small feature dimensions of FID-LeNet (d = 84). Column j of
 * {@link #vectors} is the unit eigenvector of {@code values[j]}. Golub and Van Loan, "Matrix Computations", §8.5.
 */
public record SymmetricEigen(double[] values, double[][] vectors) {
    private static final int MAX_SWEEPS = 100;

    /** Decomposes {@code a} ([d, d], symmetric; only read, never changed). */
    public static SymmetricEigen of(double[][] a) {
        int d = a.length;
        double[][] m = new double[d][];
        double norm = 0;
        for (int i = 0; i < d; i++) {
            if (a[i].length != d) {
                throw new IllegalArgumentException("matrix must be square: row " + i + " has " + a[i].length
                        + " columns, expected " + d);
            }
            m[i] = a[i].clone();
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(a[i][j])) {
                    throw new IllegalArgumentException("matrix entry [" + i + "][" + j + "] is " + a[i][j]
                            + "; it needs finite entries (check the features it came from for NaN or infinity)");
                }
                if (Math.abs(a[i][j] - a[j][i]) > 1e-9 * (Math.abs(a[i][j]) + Math.abs(a[j][i]) + 1e-300)) {
                    throw new IllegalArgumentException("matrix must be symmetric: [" + i + "][" + j + "] = " + a[i][j]
                            + " but [" + j + "][" + i + "] = " + a[j][i]);
                }
                norm += a[i][j] * a[i][j];
            }
        }
        double[][] v = new double[d][d];
        for (int i = 0; i < d; i++) {
            v[i][i] = 1;
        }
        // stop when the off-diagonal part is negligible against the whole matrix
        double tolerance = 1e-30 * norm;
        for (int sweep = 0; offDiagonal(m) > tolerance; sweep++) {
            if (sweep == MAX_SWEEPS) {
                throw new ArithmeticException("Jacobi eigen-decomposition of a " + d + "x" + d + " matrix did not "
                        + "converge in " + MAX_SWEEPS + " sweeps");
            }
            for (int p = 0; p < d - 1; p++) {
                for (int q = p + 1; q < d; q++) {
                    if (m[p][q] != 0) {
                        rotate(m, v, p, q);
                    }
                }
            }
        }
        double[] values = new double[d];
        for (int i = 0; i < d; i++) {
            values[i] = m[i][i];
        }
        return new SymmetricEigen(values, v);
    }

    /**
     * The symmetric positive semi-definite square root V·diag(√λ)·Vᵀ. Eigenvalues below 0, which rounding gives
     * a semi-definite matrix (a covariance of fewer samples than dimensions, or of constant features), count as 0.
     */
    public double[][] sqrt() {
        int d = values.length;
        double[] root = new double[d];
        for (int j = 0; j < d; j++) {
            root[j] = Math.sqrt(Math.max(values[j], 0));
        }
        double[][] s = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int k = i; k < d; k++) {
                double sum = 0;
                for (int j = 0; j < d; j++) {
                    sum += vectors[i][j] * root[j] * vectors[k][j];
                }
                s[i][k] = sum;
                s[k][i] = sum;
            }
        }
        return s;
    }

    /** Sum of squares of the off-diagonal entries. */
    private static double offDiagonal(double[][] m) {
        double sum = 0;
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m.length; j++) {
                if (i != j) {
                    sum += m[i][j] * m[i][j];
                }
            }
        }
        return sum;
    }

    /** m ← Pᵀ·m·P and v ← v·P for the rotation P in the (p, q) plane that zeroes m[p][q]. */
    private static void rotate(double[][] m, double[][] v, int p, int q) {
        double theta = (m[q][q] - m[p][p]) / (2 * m[p][q]);
        double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        if (theta == 0) {
            t = 1;
        }
        double c = 1 / Math.sqrt(t * t + 1);
        double s = t * c;
        int d = m.length;
        for (int k = 0; k < d; k++) { // columns p and q
            double kp = m[k][p];
            double kq = m[k][q];
            m[k][p] = c * kp - s * kq;
            m[k][q] = s * kp + c * kq;
        }
        for (int k = 0; k < d; k++) { // rows p and q
            double pk = m[p][k];
            double qk = m[q][k];
            m[p][k] = c * pk - s * qk;
            m[q][k] = s * pk + c * qk;
        }
        m[p][q] = 0;
        m[q][p] = 0;
        for (int k = 0; k < d; k++) {
            double kp = v[k][p];
            double kq = v[k][q];
            v[k][p] = c * kp - s * kq;
            v[k][q] = s * kp + c * kq;
        }
    }
}
