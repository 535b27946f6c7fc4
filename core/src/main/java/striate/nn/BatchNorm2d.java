package striate.nn;

/**
 * Batch normalization of image channels, PyTorch's BatchNorm2d: x [n, c, h, w] → y of the same shape,
 * statistics per channel over batch, height and width. See {@link BatchNorm}.
 */
public final class BatchNorm2d extends BatchNorm {
    public BatchNorm2d(long channels) {
        this(channels, MOMENTUM, EPS);
    }

    public BatchNorm2d(long channels, double momentum, double eps) {
        super(channels, momentum, eps);
    }

    @Override
    boolean acceptsRank(int rank) {
        return rank == 4;
    }

    @Override
    String layout() {
        return "[n, " + weight().value().dim(0) + ", h, w]";
    }
}
