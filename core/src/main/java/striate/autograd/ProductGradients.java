package striate.autograd;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import striate.op.MatMulOp;
import striate.tensor.Tensor;

/**
 * The gradient of a tensor b that several matrix products y_i = a_i·op(b) read as their right operand (a recurrent
 * layer's W_hh, read once per time step), computed by one product once every reader is done:
 * Σ_i a_iᵀ·dy_i = [a_1; …; a_T]ᵀ·[dy_1; …; dy_T] (for op(b) = bᵀ, Σ_i dy_iᵀ·a_i likewise), the rows of the a_i and
 * of the dy_i concatenated. T products of k = n rows and T − 1 additions of a whole [k, n] gradient cost far more
 * than one product of k = T·n rows, which is how cuDNN and PyTorch's fused LSTM get W_hh's gradient. Products whose
 * left operand is transposed, and a b read by one product, keep {@link Derivatives}' rule. The joined gradient is
 * made of recorded ops (a concatenation and a product), so with recording on it can be differentiated again.
 */
final class ProductGradients {
    private record Piece(Tensor a, Tensor dy) {
    }

    private final Map<Tensor, Integer> reads = new IdentityHashMap<>();
    private final Map<Tensor, Map<MatMulOp, List<Piece>>> pieces = new IdentityHashMap<>();
    private final Predicate<Tensor> wanted;

    /** Joins the gradients of the right operands that are {@code wanted} (those the pass differentiates). */
    ProductGradients(Predicate<Tensor> wanted) {
        this.wanted = wanted;
    }

    /** The right operand of {@code node} whose gradient may be joined, or null. */
    private Tensor joinable(Node node) {
        if (node.op() instanceof MatMulOp m && !m.transposeA()) {
            Tensor b = node.inputs()[1];
            return wanted.test(b) && b != node.inputs()[0] ? b : null;
        }
        return null;
    }

    /** Counts {@code node}'s read of its right operand (once per node, while the graph is walked). */
    void count(Node node) {
        Tensor b = joinable(node);
        if (b != null) {
            reads.merge(b, 1, Integer::sum);
        }
    }

    /** Whether {@code node} is a product whose right operand's gradient is joined here. */
    boolean joins(Node node) {
        Tensor b = joinable(node);
        return b != null && reads.get(b) >= 2;
    }

    /** Keeps a product's left operand and output gradient dy for its right operand's joined gradient. */
    void add(Node node, Tensor dy) {
        pieces.computeIfAbsent(node.inputs()[1], k -> new LinkedHashMap<>())
                .computeIfAbsent((MatMulOp) node.op(), k -> new ArrayList<>()).add(new Piece(node.inputs()[0], dy));
    }

    /** {@code other} (null: none) plus b's joined gradient; {@code other} alone when no product of b was kept. */
    Tensor take(Tensor b, Tensor other) {
        Map<MatMulOp, List<Piece>> byOp = pieces.remove(b);
        if (byOp == null) {
            return other;
        }
        Tensor g = other;
        for (var e : byOp.entrySet()) {
            Tensor a = rows(e.getValue().stream().map(Piece::a).toList());
            Tensor dy = rows(e.getValue().stream().map(Piece::dy).toList());
            Tensor db = Derivatives.matmulRight(e.getKey(), a, dy);
            g = g == null ? db : g.add(db);
        }
        return g;
    }

    /** The matrices' rows, in order: the one matrix itself, or their concatenation. */
    private static Tensor rows(List<Tensor> parts) {
        return parts.size() == 1 ? parts.get(0) : Tensor.cat(0, parts.toArray(Tensor[]::new));
    }
}
