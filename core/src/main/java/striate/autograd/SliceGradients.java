package striate.autograd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import striate.op.CatOp;
import striate.op.SliceOp;
import striate.tensor.Tensor;

/**
 * The gradients of a tensor's slices, kept apart until every reader of the tensor is done, then joined into one
 * gradient of its shape. Slices along one axis that do not overlap (a recurrent layer's time steps of one input
 * projection, the h' and c' halves of an LSTM cell's output) become one {@link CatOp} with zeros in the gaps: t step
 * slices cost one pass over the tensor, where padding each to the full shape and summing costs t passes (t² work
 * over a sequence). Other slices (overlapping windows, several axes, a single slice) are padded and summed, as
 * {@link Derivatives}' rule for a slice does. Values are those of the padded sum: each element gets one slice's value.
 */
final class SliceGradients {
    private record Piece(int axis, long start, long end, Tensor dy) {
    }

    private final Map<Tensor, List<Piece>> pieces = new IdentityHashMap<>();

    /** Keeps dy, the gradient of the slice {@code s} of x. */
    void add(Tensor x, SliceOp s, Tensor dy) {
        int axis = x.shape().axis(s.axis());
        pieces.computeIfAbsent(x, k -> new ArrayList<>()).add(new Piece(axis, s.start(), s.end(), dy));
    }

    /** {@code other} (null: none) plus the gradients of x's slices, joined; null when there is neither. */
    Tensor take(Tensor x, Tensor other) {
        List<Piece> ps = pieces.remove(x);
        if (ps == null) {
            return other;
        }
        Tensor g = ps.size() > 1 && disjointOnOneAxis(ps) ? joined(x, ps) : padded(x, ps);
        return other == null ? g : other.add(g);
    }

    /** True when every piece lies on one axis and no two overlap; sorts the pieces by start. */
    private static boolean disjointOnOneAxis(List<Piece> ps) {
        ps.sort(Comparator.comparingLong(Piece::start));
        for (int i = 1; i < ps.size(); i++) {
            if (ps.get(i).axis() != ps.get(0).axis() || ps.get(i).start() < ps.get(i - 1).end()) {
                return false;
            }
        }
        return true;
    }

    /** One concatenation along the pieces' axis, zeros filling what no slice covers. */
    private static Tensor joined(Tensor x, List<Piece> ps) {
        int axis = ps.get(0).axis();
        List<Tensor> parts = new ArrayList<>();
        long at = 0;
        for (Piece p : ps) {
            if (p.start() > at) {
                parts.add(zeros(x, p.dy(), axis, p.start() - at));
            }
            parts.add(p.dy());
            at = p.end();
        }
        if (at < x.dim(axis)) {
            parts.add(zeros(x, ps.get(0).dy(), axis, x.dim(axis) - at));
        }
        return Tensor.apply(new CatOp(axis, parts.size()), parts.toArray(Tensor[]::new));
    }

    private static Tensor zeros(Tensor x, Tensor like, int axis, long size) {
        return Tensor.zeros(x.device(), like.dtype(), x.shape().withDim(axis, size).dims());
    }

    /** Each piece placed in x's shape by a pad, summed. */
    private static Tensor padded(Tensor x, List<Piece> ps) {
        Tensor sum = null;
        for (Piece p : ps) {
            long[] before = new long[x.rank()];
            long[] after = new long[x.rank()];
            before[p.axis()] = p.start();
            after[p.axis()] = x.dim(p.axis()) - p.end();
            Tensor g = p.dy().pad(before, after);
            sum = sum == null ? g : sum.add(g);
        }
        return sum;
    }
}
