package striate.autograd;

import java.util.ArrayList;
import java.util.List;
import striate.op.AdamUpdateOp;
import striate.op.AffineOp;
import striate.op.BatchNormBackwardOp;
import striate.op.BatchNormOp;
import striate.op.BinaryFn;
import striate.op.BinaryOp;
import striate.op.CastOp;
import striate.op.CatOp;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.CopyOp;
import striate.op.CrossEntropyBackwardOp;
import striate.op.CrossEntropyOp;
import striate.op.EmbeddingBackwardOp;
import striate.op.EmbeddingOp;
import striate.op.ExpandOp;
import striate.op.GruCellBackwardOp;
import striate.op.GruCellOp;
import striate.op.GruLayerBackwardOp;
import striate.op.GruLayerOp;
import striate.op.KMaxPoolBackwardOp;
import striate.op.KMaxPoolOp;
import striate.op.LeakyReluBackwardOp;
import striate.op.LeakyReluOp;
import striate.op.LogSoftmaxOp;
import striate.op.LstmCellBackwardOp;
import striate.op.LstmCellOp;
import striate.op.LstmLayerBackwardOp;
import striate.op.LstmLayerOp;
import striate.op.MatMulOp;
import striate.op.Op;
import striate.op.PadOp;
import striate.op.PermuteOp;
import striate.op.Pool2dBackwardOp;
import striate.op.Pool2dOp;
import striate.op.PowerOp;
import striate.op.RandomNormalOp;
import striate.op.RandomUniformOp;
import striate.op.ReduceFn;
import striate.op.ReduceOp;
import striate.op.ReshapeOp;
import striate.op.SgdUpdateOp;
import striate.op.SliceOp;
import striate.op.SoftmaxOp;
import striate.op.ToDeviceOp;
import striate.op.UnaryOp;
import striate.op.WhereOp;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * The backward rule of every op, written once in ops so every backend reuses it. Given the op, its inputs,
 * its output y and the gradient dy, returns one gradient per input (null where none flows: integer inputs,
 * comparisons, steps). The switch is exhaustive over the sealed {@link Op}, so a new op cannot be added
 * without deciding its derivative. Every rule is written in recorded ops, so a gradient computed with recording on
 * ({@link Tape#grad} with createGraph) can be differentiated again; the backward ops that have a rule of their own are
 * the convolution's two (backward-data, also the forward of ConvTranspose2d, and backward-filter, both bilinear) and
 * LeakyReLU's (linear in dy).
 * The other backward ops (pooling's, cross-entropy's, the embedding's, the recurrent cells', batch norm's) have no
 * second derivative yet: meeting one in a backward pass is one error line naming it.
 */
public final class Derivatives {
    private Derivatives() {
    }

    /**
     * True when {@code op} has a backward rule: false for random draws, optimizer updates and the backward ops other
     * than the convolution's two (pooling's, cross-entropy's, k-max pooling's, the embedding's, the recurrent
     * cells' and layers', batch norm's), which have no second derivative yet.
     */
    public static boolean isDifferentiable(Class<? extends Op> op) {
        return !(op == Pool2dBackwardOp.class || op == CrossEntropyBackwardOp.class
                || op == KMaxPoolBackwardOp.class || op == EmbeddingBackwardOp.class
                || op == LstmCellBackwardOp.class || op == GruCellBackwardOp.class
                || op == LstmLayerBackwardOp.class || op == GruLayerBackwardOp.class
                || op == BatchNormBackwardOp.class || op == RandomUniformOp.class
                || op == RandomNormalOp.class
                || op == SgdUpdateOp.class || op == AdamUpdateOp.class);
    }

    /**
     * Whether {@code op}'s derivative reads the values of its input {@code i} (as the forward pass saw them): backward
     * refuses to differentiate it when that input was written in place since. Views, copies, casts, concatenation,
     * padding, sums, affines, additions and subtractions read none; exp, sqrt, sigmoid, tanh, softmax and log-softmax
     * read their output instead ({@link #readsOutput}); a convolution does not read its bias, an embedding its table,
     * a where its branches. A product (matmul, mul, a convolution's image and filter) reads one operand only for the
     * other's gradient, so it reads input i only when the other operand's gradient is {@code wanted}, as PyTorch
     * saves it. Other ops are taken to read every input.
     */
    public static boolean readsInput(Op op, int i, boolean[] wanted) {
        return switch (op) {
            case ReshapeOp r -> false;
            case PermuteOp p -> false;
            case ExpandOp e -> false;
            case SliceOp s -> false;
            case CopyOp c -> false;
            case ToDeviceOp t -> false;
            case CastOp c -> false;
            case CatOp c -> false;
            case PadOp p -> false;
            case AffineOp a -> false;
            case UnaryOp u -> switch (u.fn()) {
                case LOG, ABS, RELU, ERF, LOG1P -> true;
                case NEG, EXP, SQRT, SIGN, STEP, SIGMOID, TANH -> false;
            };
            case SoftmaxOp s -> false;
            case LogSoftmaxOp s -> false;
            case ReduceOp r -> r.fn() != ReduceFn.SUM;
            case BinaryOp b when b.fn() == BinaryFn.MUL -> wanted[1 - i];
            case BinaryOp b -> b.fn() != BinaryFn.ADD && b.fn() != BinaryFn.SUB;
            case MatMulOp m -> wanted[1 - i];
            case Conv2dOp c -> i < 2 && wanted[1 - i];
            case EmbeddingOp e -> i == 1;
            case WhereOp w -> i == 0;
            default -> true;
        };
    }

    /**
     * Whether {@code op}'s derivative reads its output's values: exp, sqrt, sigmoid, tanh, softmax, log-softmax, a
     * max reduction, a convolution's fused ReLU, batch norm and the recurrent layers.
     */
    public static boolean readsOutput(Op op) {
        return switch (op) {
            case UnaryOp u -> switch (u.fn()) {
                case EXP, SQRT, SIGMOID, TANH -> true;
                case NEG, LOG, ABS, SIGN, STEP, RELU, ERF, LOG1P -> false;
            };
            case SoftmaxOp s -> true;
            case LogSoftmaxOp s -> true;
            case ReduceOp r -> r.fn() != ReduceFn.SUM;
            case Conv2dOp c -> c.relu();
            case BatchNormOp b -> true;
            case LstmLayerOp l -> true;
            case GruLayerOp g -> true;
            default -> false;
        };
    }

    /**
     * One gradient per input of {@code op}, each of that input's shape, or null where none flows. Convolution,
     * matmul, concatenation, where, the embedding and the binary ops skip the gradients of inputs that do not
     * require one.
     */
    public static Tensor[] backward(Op op, Tensor[] in, Tensor y, Tensor dy) {
        boolean[] wanted = new boolean[in.length];
        for (int i = 0; i < in.length; i++) {
            wanted[i] = in[i].requiresGrad();
        }
        return backward(op, in, y, dy, wanted);
    }

    /**
     * As {@link #backward(Op, Tensor[], Tensor, Tensor)}, skipping the gradients of the inputs that are not
     * {@code wanted} (those that require grad but lead to no tensor a {@link Tape#grad} call asked for).
     */
    public static Tensor[] backward(Op op, Tensor[] in, Tensor y, Tensor dy, boolean[] wanted) {
        return switch (op) {
            case UnaryOp u -> new Tensor[] {unary(u, in[0], y, dy)};
            case AffineOp a -> new Tensor[] {dy.mul(a.scale())};
            // x^0 is constant: a zero gradient, also at x = 0 and NaN (p·x^(p−1) would be 0·∞ there), as PyTorch's
            case PowerOp p -> new Tensor[] {p.exponent() == 0
                    ? Tensor.zeros(dy.device(), dy.dtype(), in[0].shape().dims())
                    : dy.mul(in[0].pow(p.exponent() - 1)).mul(p.exponent())};
            case BinaryOp b -> binary(b, in[0], in[1], dy, wanted);
            case WhereOp w -> {
                Tensor zero = dy.scalarLike(0);
                yield new Tensor[] {null, wanted[1] ? sumTo(Tensor.where(in[0], dy, zero), in[1].shape()) : null,
                        wanted[2] ? sumTo(Tensor.where(in[0], zero, dy), in[2].shape()) : null};
            }
            case ReduceOp r -> new Tensor[] {reduce(r, in[0], y, dy)};
            case MatMulOp m -> matmul(m, in[0], in[1], dy, wanted);
            case Conv2dOp c -> conv2d(c, in, y, dy, wanted);
            case Conv2dBackwardDataOp t -> convTranspose2d(t, in, dy, wanted);
            case Conv2dBackwardFilterOp f -> convBackwardFilter(f, in, dy, wanted);
            case Pool2dOp p -> new Tensor[] {Tensor.apply(new Pool2dBackwardOp(p.mode(), p.params()), in[0], dy)};
            case SoftmaxOp s -> new Tensor[] {y.mul(dy.sub(dy.mul(y).sum(s.axis(), true)))};
            case LogSoftmaxOp s -> new Tensor[] {dy.sub(y.exp().mul(dy.sum(s.axis(), true)))};
            case CrossEntropyOp c -> new Tensor[] {Tensor.apply(new CrossEntropyBackwardOp(c.ignoreIndex()), in[0], in[1],
                    dy), null};
            case KMaxPoolOp k -> new Tensor[] {Tensor.apply(new KMaxPoolBackwardOp(k.axis(), k.k()), in[0], dy)};
            case EmbeddingOp e -> new Tensor[] {wanted[0]
                    ? Tensor.apply(new EmbeddingBackwardOp(in[0].dim(0), e.paddingIdx()), dy, in[1]) : null, null};
            case LstmCellOp l -> lstmCell(in[0], in[1], dy);
            case GruCellOp g -> gruCell(in[0], in[1], in[2], dy);
            case LstmLayerOp l -> lstmLayer(l, in, y, dy, wanted);
            case GruLayerOp g -> gruLayer(g, in, y, dy, wanted);
            case BatchNormOp b -> batchNorm(in[0], in[1], y, dy);
            case LeakyReluOp l -> new Tensor[] {Tensor.apply(new LeakyReluBackwardOp(l.slope()), dy, in[0])};
            case LeakyReluBackwardOp l -> // linear in dy, piecewise constant in x
                    new Tensor[] {wanted[0] ? Tensor.apply(new LeakyReluBackwardOp(l.slope()), dy, in[1]) : null, null};
            case CatOp c -> cat(c, in, dy, wanted);
            case CopyOp c -> new Tensor[] {dy};
            case ToDeviceOp t -> new Tensor[] {dy.to(in[0].device())};
            case CastOp c -> new Tensor[] {in[0].dtype().isFloating() ? dy.to(in[0].dtype()) : null};
            case PadOp p -> {
                Tensor g = dy;
                for (int a = 0; a < p.before().length; a++) {
                    g = g.slice(a, p.before()[a], p.before()[a] + in[0].dim(a));
                }
                yield new Tensor[] {g};
            }
            case ReshapeOp r -> new Tensor[] {dy.reshape(in[0].shape().dims())};
            case PermuteOp p -> new Tensor[] {dy.permute(p.inverse())};
            case ExpandOp e -> new Tensor[] {sumTo(dy, in[0].shape())};
            case SliceOp s -> {
                int axis = in[0].shape().axis(s.axis());
                long[] before = new long[in[0].rank()];
                long[] after = new long[in[0].rank()];
                before[axis] = s.start();
                after[axis] = in[0].dim(axis) - s.end();
                yield new Tensor[] {dy.pad(before, after)};
            }
            case Pool2dBackwardOp o -> noSecondDerivative(o);
            case CrossEntropyBackwardOp o -> noSecondDerivative(o);
            case KMaxPoolBackwardOp o -> noSecondDerivative(o);
            case EmbeddingBackwardOp o -> noSecondDerivative(o);
            case LstmCellBackwardOp o -> noSecondDerivative(o);
            case GruCellBackwardOp o -> noSecondDerivative(o);
            case LstmLayerBackwardOp o -> noSecondDerivative(o);
            case GruLayerBackwardOp o -> noSecondDerivative(o);
            case BatchNormBackwardOp o -> noSecondDerivative(o);
            case RandomUniformOp o -> notDifferentiable(o);
            case RandomNormalOp o -> notDifferentiable(o);
            case SgdUpdateOp o -> notDifferentiable(o);
            case AdamUpdateOp o -> notDifferentiable(o);
        };
    }

    private static Tensor unary(UnaryOp u, Tensor x, Tensor y, Tensor dy) {
        return switch (u.fn()) {
            case NEG -> dy.neg();
            case EXP -> dy.mul(y);
            case LOG -> dy.div(x);
            case SQRT -> dy.div(y).mul(0.5);
            case ABS -> dy.mul(x.sign());
            case SIGN, STEP -> null;
            case SIGMOID -> dy.binary(BinaryFn.SIGMOID_BACKWARD, y);
            case TANH -> dy.binary(BinaryFn.TANH_BACKWARD, y);
            case RELU -> dy.binary(BinaryFn.GATE, x);
            case ERF -> dy.mul(x.square().neg().exp().mul(2 / Math.sqrt(Math.PI))); // (2/√π)·e^(−x²)
            case LOG1P -> dy.div(x.add(1));
        };
    }

    /** dx, dw and (with a bias) db of a convolution; a fused ReLU passes dy only where y > 0. */
    private static Tensor[] conv2d(Conv2dOp c, Tensor[] in, Tensor y, Tensor dy, boolean[] wanted) {
        Tensor g = c.relu() ? dy.binary(BinaryFn.GATE, y) : dy; // y > 0 exactly where the pre-activation was
        Tensor dx = wanted[0] // no data gradient for the network's input images
                ? Tensor.apply(new Conv2dBackwardDataOp(c.params(), in[0].shape()), g, in[1]) : null;
        Tensor dw = wanted[1]
                ? Tensor.apply(new Conv2dBackwardFilterOp(c.params(), in[1].shape()), in[0], g) : null;
        if (!c.bias()) {
            return new Tensor[] {dx, dw};
        }
        return new Tensor[] {dx, dw, wanted[2] ? g.sum(new int[] {0, 2, 3}, false) : null};
    }

    /**
     * dx and dw of a transposed convolution z = convT(x, w), which is the backward-data op applied to x [n, k, oh, ow]
     * and w [k, c/groups, kh, kw]: by ⟨conv(g, w), x⟩ = ⟨g, convT(x, w)⟩, dx is the forward convolution of dz, and
     * dw is the backward-filter op with the roles swapped (dz as its input, x as its output gradient).
     */
    private static Tensor[] convTranspose2d(Conv2dBackwardDataOp t, Tensor[] in, Tensor dz, boolean[] wanted) {
        Tensor dx = wanted[0] ? Tensor.apply(new Conv2dOp(t.params()), dz, in[1]) : null; // [n, k, oh, ow]
        Tensor dw = wanted[1]
                ? Tensor.apply(new Conv2dBackwardFilterOp(t.params(), in[1].shape()), dz, in[0]) : null;
        return new Tensor[] {dx, dw};
    }

    /**
     * The gradients of the backward-filter op dw = bf(x, g) (x [n, c, h, w], g [n, k, oh, ow], dw [k, c/groups,
     * kh, kw]) given G, the gradient of dw. The op is bilinear, and bf(x, ·) is the adjoint of w ↦ conv(x, w), so
     * ⟨G, bf(x, g)⟩ = ⟨conv(x, G), g⟩ = ⟨x, bd(g, G)⟩ (bd the backward-data op, the adjoint of x ↦ conv(x, G)).
     * Hence dg = conv(x, G) and dx = bd(g, G): both are convolutions with G as the weight.
     */
    private static Tensor[] convBackwardFilter(Conv2dBackwardFilterOp f, Tensor[] in, Tensor gw, boolean[] wanted) {
        Tensor dx = wanted[0] // [n, c, h, w]
                ? Tensor.apply(new Conv2dBackwardDataOp(f.params(), in[0].shape()), in[1], gw) : null;
        Tensor dg = wanted[1] ? Tensor.apply(new Conv2dOp(f.params()), in[0], gw) : null; // [n, k, oh, ow]
        return new Tensor[] {dx, dg};
    }

    /** dgates [n, 4h] and dc [n, h]: contiguous views of the one fused backward op's output. */
    private static Tensor[] lstmCell(Tensor gates, Tensor c, Tensor dhc) {
        long n = c.dim(0);
        long h = c.dim(1);
        Tensor d = Tensor.apply(new LstmCellBackwardOp(), dhc, gates, c); // [n·5h]
        return new Tensor[] {d.slice(0, 0, 4 * n * h).reshape(n, 4 * h), d.slice(0, 4 * n * h, 5 * n * h).reshape(n, h)};
    }

    /** dxg [n, 3h], dhg [n, 3h] and dh [n, h]: contiguous views of the one fused backward op's output. */
    private static Tensor[] gruCell(Tensor xg, Tensor hg, Tensor h, Tensor dy) {
        long n = h.dim(0);
        long w = h.dim(1);
        long g = 3 * n * w;
        Tensor d = Tensor.apply(new GruCellBackwardOp(), dy, xg, hg, h); // [n·7h]
        return new Tensor[] {d.slice(0, 0, g).reshape(n, 3 * w), d.slice(0, g, 2 * g).reshape(n, 3 * w),
                d.slice(0, 2 * g, 2 * g + n * w).reshape(n, w)};
    }

    /**
     * The LSTM layer's (dxg, dwhh, dbias, dh0, dc0) from the one fused backward op's dgates [T·n, 4h], dh0 and dc0
     * (contiguous views): dxg is dgates, dbias its sum over rows, dwhh = dgatesᵀ·[the state before each step].
     */
    private static Tensor[] lstmLayer(LstmLayerOp l, Tensor[] in, Tensor y, Tensor dy, boolean[] wanted) {
        long n = in[3].dim(0);
        long h = in[3].dim(1);
        long rows = in[0].dim(0); // T·n
        Tensor d = Tensor.apply(new LstmLayerBackwardOp(l.reverse(), l.zeroState()), dy, y, in[1], in[4]);
        // d: [T·n·4h + 2nh]
        Tensor dgates = d.slice(0, 0, rows * 4 * h).reshape(rows, 4 * h);
        long at = rows * 4 * h;
        return new Tensor[] {dgates,
                wanted[1] ? dgates.matmul(statesBefore(y, in[3], rows, n, h, l.reverse()), true, false) : null,
                wanted[2] ? dgates.sum(0, false) : null,
                d.slice(0, at, at + n * h).reshape(n, h), d.slice(0, at + n * h, at + 2 * n * h).reshape(n, h)};
    }

    /**
     * The GRU layer's (dxg, dwhh, dbih, dbhh, dh0) from the one fused backward op's dxg and dhg [T·n, 3h] and dh0:
     * dbih and dbhh are their sums over rows, dwhh = dhgᵀ·[the state before each step].
     */
    private static Tensor[] gruLayer(GruLayerOp g, Tensor[] in, Tensor y, Tensor dy, boolean[] wanted) {
        long n = in[4].dim(0);
        long h = in[4].dim(1);
        long rows = in[0].dim(0); // T·n
        long part = rows * 3 * h;
        Tensor d = Tensor.apply(new GruLayerBackwardOp(g.reverse(), g.zeroState()), dy, y, in[1], in[4]);
        // d: [2·T·n·3h + nh]
        Tensor dxg = d.slice(0, 0, part).reshape(rows, 3 * h);
        Tensor dhg = d.slice(0, part, 2 * part).reshape(rows, 3 * h);
        return new Tensor[] {dxg,
                wanted[1] ? dhg.matmul(statesBefore(y, in[4], rows, n, h, g.reverse()), true, false) : null,
                wanted[2] ? dxg.sum(0, false) : null, wanted[3] ? dhg.sum(0, false) : null,
                d.slice(0, 2 * part, 2 * part + n * h).reshape(n, h)};
    }

    /**
     * [T·n, h]: the hidden state each step started from, in the steps' row order: h0 then H's first T − 1 steps, or
     * for a reverse layer H's last T − 1 steps then h0 (H is y's first T·n·h elements).
     */
    private static Tensor statesBefore(Tensor y, Tensor h0, long rows, long n, long h, boolean reverse) {
        if (rows == n) {
            return h0;
        }
        Tensor shifted = reverse ? y.slice(0, n * h, rows * h) : y.slice(0, 0, (rows - n) * h);
        Tensor hs = shifted.reshape(rows - n, h);
        return reverse ? Tensor.cat(0, hs, h0) : Tensor.cat(0, h0, hs);
    }

    /**
     * dx, dweight and dbias of the fused batch norm: contiguous views of the one backward op's output, which reads the
     * forward's saved mean and inverse std (views of its output) and dy's part for y.
     */
    private static Tensor[] batchNorm(Tensor x, Tensor weight, Tensor out, Tensor dout) {
        long size = x.size();
        long c = x.dim(1);
        long[] dims = x.shape().dims();
        Tensor dy = dout.slice(0, 0, size).reshape(dims);
        Tensor d = Tensor.apply(new BatchNormBackwardOp(), dy, x, out.slice(0, size, size + c),
                out.slice(0, size + c, size + 2 * c), weight); // [x.size + 2c]
        return new Tensor[] {d.slice(0, 0, size).reshape(dims), d.slice(0, size, size + c),
                d.slice(0, size + c, size + 2 * c)};
    }

    /** Each input's part of dy: a slice view along the concatenation axis. */
    private static Tensor[] cat(CatOp c, Tensor[] in, Tensor dy, boolean[] wanted) {
        int axis = dy.shape().axis(c.axis());
        Tensor[] dx = new Tensor[in.length];
        long start = 0;
        for (int i = 0; i < in.length; i++) {
            long d = in[i].dim(axis);
            dx[i] = wanted[i] ? dy.slice(axis, start, start + d) : null;
            start += d;
        }
        return dx;
    }

    private static Tensor[] binary(BinaryOp b, Tensor x1, Tensor x2, Tensor dy, boolean[] wanted) {
        Tensor g1;
        Tensor g2;
        switch (b.fn()) {
            case ADD -> {
                g1 = dy;
                g2 = dy;
            }
            case SUB -> {
                g1 = dy;
                g2 = dy.neg();
            }
            case MUL -> { // dropout masks and other constants get no gradient
                g1 = wanted[0] ? dy.mul(x2) : null;
                g2 = wanted[1] ? dy.mul(x1) : null;
            }
            case DIV -> {
                g1 = dy.div(x2);
                g2 = dy.mul(x1).div(x2.square()).neg();
            }
            case GATE -> { // a where b > 0: piecewise constant in b
                g1 = dy.binary(BinaryFn.GATE, x2);
                g2 = null;
            }
            case TANH_BACKWARD -> { // a·(1 − b²)
                g1 = dy.binary(BinaryFn.TANH_BACKWARD, x2);
                g2 = dy.mul(x1).mul(x2).mul(-2);
            }
            case SIGMOID_BACKWARD -> { // a·b·(1 − b)
                g1 = dy.binary(BinaryFn.SIGMOID_BACKWARD, x2);
                g2 = dy.mul(x1).mul(x2.affine(-2, 1));
            }
            case MAXIMUM, MINIMUM -> {
                // PyTorch's rule: the input that wins takes dy, tied inputs take half each, and where either is NaN
                // (no order) both take it. For the maximum, input 1's share is 1 − [x1 < x2] − ½[x1 = x2].
                boolean max = b.fn() == BinaryFn.MAXIMUM;
                Tensor halfTies = x1.eq(x2).mul(0.5);
                g1 = dy.mul((max ? x1.lt(x2) : x1.gt(x2)).add(halfTies).affine(-1, 1));
                g2 = dy.mul((max ? x1.gt(x2) : x1.lt(x2)).add(halfTies).affine(-1, 1));
            }
            default -> {
                return new Tensor[] {null, null};
            }
        }
        return new Tensor[] {wanted[0] && g1 != null ? sumTo(g1, x1.shape()) : null,
                wanted[1] && g2 != null ? sumTo(g2, x2.shape()) : null};
    }

    private static Tensor reduce(ReduceOp r, Tensor x, Tensor y, Tensor dy) {
        long[] kept = r.keptShape(x.shape()).dims();
        return switch (r.fn()) {
            case SUM -> dy.reshape(kept).expand(x.shape());
            case MAX -> {
                // Ties share the gradient equally, so the total still equals dy. The kept-shape operands broadcast
                // inside the ops (never expanded to x's shape first), so backends read them in place.
                Tensor mask = x.eq(y.reshape(kept)); // [x's shape]
                Tensor count = mask.sum(reducedAxes(r, x.rank()), true); // [kept]
                yield mask.mul(dy.reshape(kept).div(count));
            }
        };
    }

    private static int[] reducedAxes(ReduceOp r, int rank) {
        boolean[] reduced = r.reducedAxes(rank);
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if (reduced[i]) {
                axes.add(i);
            }
        }
        return axes.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Tensor[] matmul(MatMulOp m, Tensor a, Tensor b, Tensor dc, boolean[] wanted) {
        return new Tensor[] {wanted[0] ? matmulLeft(m, b, dc) : null, wanted[1] ? matmulRight(m, a, dc) : null};
    }

    /** The gradient of a product's left operand a, given its right operand b and the output's gradient dc. */
    static Tensor matmulLeft(MatMulOp m, Tensor b, Tensor dc) {
        return !m.transposeA() ? dc.matmul(b, false, !m.transposeB()) : b.matmul(dc, m.transposeB(), true);
    }

    /** The gradient of a product's right operand b, given its left operand a and the output's gradient dc. */
    static Tensor matmulRight(MatMulOp m, Tensor a, Tensor dc) {
        return !m.transposeB() ? a.matmul(dc, !m.transposeA(), false) : dc.matmul(a, true, m.transposeA());
    }

    /** Sums {@code g} over the axes that broadcasting stretched, giving a tensor of {@code target} shape. */
    public static Tensor sumTo(Tensor g, Shape target) {
        if (g.shape().equals(target)) {
            return g;
        }
        int lead = g.rank() - target.rank();
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < g.rank(); i++) {
            if (i < lead || (target.dim(i - lead) == 1 && g.dim(i) != 1)) {
                axes.add(i);
            }
        }
        Tensor s = g.sum(axes.stream().mapToInt(Integer::intValue).toArray(), true);
        return s.reshape(target.dims());
    }

    private static Tensor[] notDifferentiable(Op op) {
        throw new UnsupportedOperationException(op.name() + " has no derivative (a random draw or an optimizer update)");
    }

    private static Tensor[] noSecondDerivative(Op op) {
        throw new UnsupportedOperationException(op.name() + " has no second derivative yet: a gradient taken with "
                + "Tape.grad(..., createGraph = true) passed through it; differentiate a model without this layer, "
                + "or take that gradient without createGraph");
    }
}
