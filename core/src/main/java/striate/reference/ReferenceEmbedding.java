package striate.reference;

import striate.op.EmbeddingBackwardOp;
import striate.op.EmbeddingOp;
import striate.tensor.Tensor;

/**
 * Reference embedding: rows of weight [v, d] gathered by ids, and the weight gradient as a scatter-add of dy's rows
 * in position order (the padding row left at zero).
 */
final class ReferenceEmbedding {
    private ReferenceEmbedding() {
    }

    static void forward(EmbeddingOp op, Tensor[] in, Tensor out) {
        double[] w = in[0].toDoubleArray();
        int d = Math.toIntExact(in[0].dim(1));
        int[] ids = EmbeddingOp.rowIndices(op, in[1], in[0].dim(0));
        double[] y = new double[ids.length * d];
        for (int p = 0; p < ids.length; p++) {
            System.arraycopy(w, ids[p] * d, y, p * d, d);
        }
        out.copyFrom(y);
    }

    static void backward(EmbeddingBackwardOp op, Tensor[] in, Tensor out) {
        double[] dy = in[0].toDoubleArray();
        int d = Math.toIntExact(in[0].dim(-1));
        int[] ids = EmbeddingOp.rowIndices(op, in[1], op.numWeights());
        double[] dw = new double[Math.toIntExact(out.size())];
        for (int p = 0; p < ids.length; p++) {
            if (ids[p] == op.paddingIdx()) {
                continue;
            }
            for (int j = 0; j < d; j++) {
                dw[ids[p] * d + j] += dy[p * d + j];
            }
        }
        out.copyFrom(dw);
    }
}
