package striate.reference;

import striate.op.AffineOp;
import striate.op.BinaryOp;
import striate.op.LeakyReluBackwardOp;
import striate.op.LeakyReluOp;
import striate.op.PowerOp;
import striate.op.UnaryOp;
import striate.op.WhereOp;
import striate.tensor.DType;
import striate.tensor.Tensor;

/**
 * Reference elementwise kernels: unary functions, affine, power, binary functions and where, with broadcasting, and
 * LeakyReLU forward and backward, each element computed in double and rounded to the output type.
 */
final class ReferenceElementwise {
    private ReferenceElementwise() {
    }

    static void unary(UnaryOp op, Tensor[] in, Tensor out) {
        double[] x = in[0].toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            x[i] = op.fn().apply(x[i]);
        }
        out.copyFrom(x);
    }

    /** The slope in x's type, as a scalar tensor of it holds it: the composed form's product gave those bits. */
    private static double slope(double slope, Tensor x) {
        return x.dtype() == DType.F32 ? (float) slope : slope;
    }

    static void leakyRelu(LeakyReluOp op, Tensor[] in, Tensor out) {
        double[] x = in[0].toDoubleArray();
        double s = slope(op.slope(), in[0]);
        for (int i = 0; i < x.length; i++) {
            x[i] = x[i] > 0 ? x[i] : s * x[i];
        }
        out.copyFrom(x);
    }

    static void leakyReluBackward(LeakyReluBackwardOp op, Tensor[] in, Tensor out) {
        double[] dy = in[0].toDoubleArray();
        double[] x = in[1].toDoubleArray();
        double s = slope(op.slope(), in[1]);
        for (int i = 0; i < x.length; i++) {
            dy[i] = x[i] > 0 ? dy[i] : s * dy[i];
        }
        out.copyFrom(dy);
    }

    static void affine(AffineOp op, Tensor[] in, Tensor out) {
        double[] x = in[0].toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            x[i] = op.scale() * x[i] + op.shift();
        }
        out.copyFrom(x);
    }

    static void power(PowerOp op, Tensor[] in, Tensor out) {
        double[] x = in[0].toDoubleArray();
        for (int i = 0; i < x.length; i++) {
            x[i] = op.exponent() == 2 ? x[i] * x[i] : Math.pow(x[i], op.exponent());
        }
        out.copyFrom(x);
    }

    static void binary(BinaryOp op, Tensor[] in, Tensor out) {
        double[] a = in[0].expand(out.shape()).toDoubleArray();
        double[] b = in[1].expand(out.shape()).toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = op.fn().apply(a[i], b[i]);
        }
        out.copyFrom(a);
    }

    static void where(WhereOp op, Tensor[] in, Tensor out) {
        double[] c = in[0].expand(out.shape()).toDoubleArray();
        double[] a = in[1].expand(out.shape()).toDoubleArray();
        double[] b = in[2].expand(out.shape()).toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = c[i] != 0 ? a[i] : b[i];
        }
        out.copyFrom(a);
    }
}
