package striate.reference;

import striate.op.AffineOp;
import striate.op.BinaryOp;
import striate.op.CastOp;
import striate.op.CopyOp;
import striate.op.PadOp;
import striate.op.PowerOp;
import striate.op.RandomUniformOp;
import striate.op.UnaryOp;
import striate.op.WhereOp;
import striate.tensor.Tensor;

/** Reference kernels for elementwise ops, copies, casts, padding and random draws. */
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

    static void copy(CopyOp op, Tensor[] in, Tensor out) {
        out.copyFrom(in[0].toDoubleArray());
    }

    static void cast(CastOp op, Tensor[] in, Tensor out) {
        out.copyFrom(in[0].toDoubleArray());
    }

    static void pad(PadOp op, Tensor[] in, Tensor out) {
        out.copyFrom(new double[Math.toIntExact(out.size())]); // the border: outputs start uninitialized
        Tensor inner = out;
        for (int a = 0; a < in[0].rank(); a++) {
            inner = inner.slice(a, op.before()[a], op.before()[a] + in[0].dim(a));
        }
        inner.copyFrom(in[0].toDoubleArray());
    }

    static void randomUniform(RandomUniformOp op, Tensor[] in, Tensor out) {
        double[] v = new double[Math.toIntExact(out.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = op.valueAt(i);
        }
        out.copyFrom(v);
    }
}
