package striate.nn;

/**
 * Batch normalization of features, PyTorch's BatchNorm1d: x [n, f] (or [n, f, l]) → y of the same shape,
 * statistics per feature over the batch (and length). See {@link BatchNorm}.
 */
public final class BatchNorm1d extends BatchNorm {
    public BatchNorm1d(long features) {
        this(features, MOMENTUM, EPS);
    }

    public BatchNorm1d(long features, double momentum, double eps) {
        super(features, momentum, eps);
    }

    @Override
    boolean acceptsRank(int rank) {
        return rank == 2 || rank == 3;
    }

    @Override
    String layout() {
        return "[n, " + weight().value().dim(0) + "] or [n, " + weight().value().dim(0) + ", l]";
    }
}
