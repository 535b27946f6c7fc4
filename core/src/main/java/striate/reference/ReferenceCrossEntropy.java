package striate.reference;

import striate.op.CrossEntropyBackwardOp;
import striate.op.CrossEntropyOp;
import striate.tensor.Tensor;

/**
 * Reference cross-entropy from logits x [n, c] and class indices [n]: loss[r] = −log softmax(x[r])[target[r]], and
 * its gradient (softmax(x[r]) − one-hot) · dy[r]; a row whose target is the ignored index gets 0 for both.
 */
final class ReferenceCrossEntropy {
    private ReferenceCrossEntropy() {
    }

    static void forward(CrossEntropyOp op, Tensor[] in, Tensor out) {
        int n = Math.toIntExact(in[0].dim(0));
        int c = Math.toIntExact(in[0].dim(1));
        double[] logp = ReferenceSoftmax.softmax(in[0], 1, true);
        int[] target = op.classIndices(in[1], c);
        double[] loss = new double[n];
        for (int r = 0; r < n; r++) {
            loss[r] = op.ignores(target[r]) ? 0 : -logp[r * c + target[r]];
        }
        out.copyFrom(loss);
    }

    static void backward(CrossEntropyBackwardOp op, Tensor[] in, Tensor out) {
        int n = Math.toIntExact(in[0].dim(0));
        int c = Math.toIntExact(in[0].dim(1));
        double[] p = ReferenceSoftmax.softmax(in[0], 1, false);
        CrossEntropyOp forward = op.forward();
        int[] target = forward.classIndices(in[1], c);
        double[] dy = in[2].toDoubleArray();
        for (int r = 0; r < n; r++) {
            boolean ignored = forward.ignores(target[r]);
            if (!ignored) {
                p[r * c + target[r]] -= 1;
            }
            for (int j = 0; j < c; j++) {
                p[r * c + j] = ignored ? 0 : p[r * c + j] * dy[r];
            }
        }
        out.copyFrom(p);
    }
}
