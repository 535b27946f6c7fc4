package striate.reference;

import striate.op.BatchNormBackwardOp;
import striate.op.BatchNormOp;
import striate.tensor.Tensor;

/**
 * Reference training-mode batch norm, forward and backward, in double: the definition the fused kernels are checked
 * against. x [n, c, ...] is read as [n, c, s] (s the product of the trailing axes); statistics per channel over n
 * and s, the variance biased and computed about the mean (two passes).
 */
final class ReferenceBatchNorm {
    private ReferenceBatchNorm() {
    }

    /** (x, weight, bias) → [x.size + 2c]: y, mean, invstd. */
    static void forward(BatchNormOp op, Tensor[] in, Tensor out) {
        double[] x = in[0].toDoubleArray();
        double[] w = in[1].toDoubleArray();
        double[] b = in[2].toDoubleArray();
        int n = Math.toIntExact(in[0].dim(0));
        int c = Math.toIntExact(in[0].dim(1));
        int s = x.length / Math.max(1, n * c);
        double m = (double) n * s;
        double[] y = new double[x.length + 2 * c];
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    sum += x[(i * c + ch) * s + j];
                }
            }
            double mean = sum / m;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    double d = x[(i * c + ch) * s + j] - mean;
                    sq += d * d;
                }
            }
            double invstd = 1 / Math.sqrt(sq / m + op.eps());
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int e = (i * c + ch) * s + j;
                    y[e] = (x[e] - mean) * invstd * w[ch] + b[ch];
                }
            }
            y[x.length + ch] = mean;
            y[x.length + c + ch] = invstd;
        }
        out.copyFrom(y);
    }

    /** (dy, x, mean, invstd, weight) → [x.size + 2c]: dx, dweight, dbias. */
    static void backward(BatchNormBackwardOp op, Tensor[] in, Tensor out) {
        double[] dy = in[0].toDoubleArray();
        double[] x = in[1].toDoubleArray();
        double[] mean = in[2].toDoubleArray();
        double[] invstd = in[3].toDoubleArray();
        double[] w = in[4].toDoubleArray();
        int n = Math.toIntExact(in[1].dim(0));
        int c = Math.toIntExact(in[1].dim(1));
        int s = x.length / Math.max(1, n * c);
        double m = (double) n * s;
        double[] d = new double[x.length + 2 * c];
        for (int ch = 0; ch < c; ch++) {
            double db = 0;
            double dw = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int e = (i * c + ch) * s + j;
                    db += dy[e];
                    dw += dy[e] * (x[e] - mean[ch]) * invstd[ch];
                }
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < s; j++) {
                    int e = (i * c + ch) * s + j;
                    double xhat = (x[e] - mean[ch]) * invstd[ch];
                    d[e] = w[ch] * invstd[ch] * (dy[e] - db / m - xhat * dw / m);
                }
            }
            d[x.length + ch] = dw;
            d[x.length + c + ch] = db;
        }
        out.copyFrom(d);
    }
}
