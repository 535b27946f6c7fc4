package striate.reference;

import striate.op.AdamUpdateOp;
import striate.op.SgdUpdateOp;
import striate.tensor.Tensor;

/**
 * Reference kernels for the in-place optimizer updates; the formulas are on the op records. A guarded update whose
 * flag (its last input) is not 0 changes nothing.
 */
final class ReferenceUpdates {
    private ReferenceUpdates() {
    }

    static void sgd(SgdUpdateOp op, Tensor[] in, Tensor unused) {
        if (op.guarded() && in[3].item() != 0) {
            return;
        }
        double[] p = in[0].toDoubleArray();
        double[] g = in[1].toDoubleArray();
        double[] v = in[2].toDoubleArray();
        for (int i = 0; i < p.length; i++) {
            double gi = g[i] + op.weightDecay() * p[i];
            if (op.momentum() != 0) {
                v[i] = op.momentum() * v[i] + (1 - op.dampening()) * gi;
                gi = op.nesterov() ? gi + op.momentum() * v[i] : v[i];
            }
            p[i] -= op.lr() * gi;
        }
        in[0].copyFrom(p);
        in[2].copyFrom(v);
    }

    static void adam(AdamUpdateOp op, Tensor[] in, Tensor unused) {
        if (op.guarded() && in[5].item() != 0) {
            return;
        }
        double[] p = in[0].toDoubleArray();
        double[] g = in[1].toDoubleArray();
        double[] m = in[2].toDoubleArray();
        double[] v = in[3].toDoubleArray();
        double step = in[4].item();
        double c1 = 1 - Math.pow(op.beta1(), step);
        double c2 = 1 - Math.pow(op.beta2(), step);
        for (int i = 0; i < p.length; i++) {
            double gi = g[i];
            if (op.decoupled()) {
                p[i] *= 1 - op.lr() * op.weightDecay();
            } else {
                gi += op.weightDecay() * p[i];
            }
            m[i] = op.beta1() * m[i] + (1 - op.beta1()) * gi;
            v[i] = op.beta2() * v[i] + (1 - op.beta2()) * gi * gi;
            p[i] -= op.lr() * (m[i] / c1) / (Math.sqrt(v[i] / c2) + op.eps());
        }
        in[0].copyFrom(p);
        in[2].copyFrom(m);
        in[3].copyFrom(v);
    }
}
