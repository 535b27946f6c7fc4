package striate.reference;

import striate.op.CastOp;
import striate.op.CopyOp;
import striate.op.PadOp;
import striate.tensor.Tensor;

/** Reference copies: a view made dense, converted to another type, or placed inside a zero border. */
final class ReferenceCopy {
    private ReferenceCopy() {
    }

    static void copy(CopyOp op, Tensor[] in, Tensor out) {
        out.copyFrom(in[0].toDoubleArray());
    }

    static void cast(CastOp op, Tensor[] in, Tensor out) {
        out.copyFrom(in[0].toDoubleArray());
    }

    static void pad(PadOp op, Tensor[] in, Tensor out) {
        out.copyFrom(new double[Math.toIntExact(out.size())]); // the border is zero; output memory starts undefined
        Tensor inner = out;
        for (int a = 0; a < in[0].rank(); a++) {
            inner = inner.slice(a, op.before()[a], op.before()[a] + in[0].dim(a));
        }
        inner.copyFrom(in[0].toDoubleArray());
    }
}
