package striate.autograd;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;
import striate.op.MatMulOp;
import striate.op.SliceOp;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * Reverse-mode differentiation over the recorded graph. Counts, for every tensor that requires grad and leads to
 * the output, how many recorded op inputs read it; then differentiates each tensor through {@link Derivatives}
 * once all its readers are done (Kahn's order, first ready first), as PyTorch's engine does. A leaf's gradient is
 * final when its last reader is done: it is added to {@link Tensor#grad()} at that moment, so the last layer's
 * parameters are finished first, while the rest of the pass goes on (data parallel training starts reducing
 * them then). The gradients of a tensor's slices are gathered and joined once it is done ({@link SliceGradients}), so
 * the time steps of a sequence tensor cost one pass, not one padded copy each; so is the gradient of a matrix that
 * several products read as their right operand ({@link ProductGradients}), so a recurrent layer's W_hh gets its
 * gradient from one product over all time steps. Runs with recording off, so gradients are plain tensors.
 */
public final class Tape {
    private Tape() {
    }

    /** Accumulates d output / d leaf, seeded with {@code dy}, into every leaf that requires grad. */
    public static void backward(Tensor output, Tensor dy) {
        backward(output, dy, leaf -> { });
    }

    /**
     * As {@link #backward(Tensor, Tensor)}, and calls {@code onLeafDone} on this thread with each leaf right after
     * its gradient became final, before the pass goes on. Leaves that get no gradient are not reported.
     */
    public static void backward(Tensor output, Tensor dy, Consumer<Tensor> onLeafDone) {
        if (!output.requiresGrad()) {
            throw new IllegalStateException("backward() on a tensor that does not require grad: no parameter or "
                    + "input with requiresGrad(true) took part in computing it (or it ran under GradMode.off())");
        }
        if (!dy.shape().equals(output.shape())) {
            throw new ShapeMismatchException("backward", "dy of shape " + dy.shape(), "the output's shape " + output.shape());
        }
        try (GradMode.Scope off = GradMode.off()) {
            ProductGradients products = new ProductGradients();
            Map<Tensor, Integer> readers = readerCounts(output, products);
            Map<Tensor, Tensor> grads = new IdentityHashMap<>();
            SliceGradients slices = new SliceGradients();
            grads.put(output, dy);
            Deque<Tensor> ready = new ArrayDeque<>();
            ready.add(output);
            while (!ready.isEmpty()) {
                Tensor t = ready.poll();
                Tensor g = grads.remove(t);
                Node node = t.node();
                if (node == null) { // the output itself is a leaf
                    finish(t, g, onLeafDone);
                    continue;
                }
                SliceOp slice = node.op() instanceof SliceOp s ? s : null;
                Tensor[] dxs = g == null || slice != null ? null : gradients(node, t, g, products);
                for (int i = 0; i < node.inputs().length; i++) {
                    Tensor x = node.inputs()[i];
                    if (!x.requiresGrad()) {
                        continue;
                    }
                    if (slice != null && g != null) {
                        slices.add(x, slice, g);
                    } else if (dxs != null && dxs[i] != null) {
                        Tensor previous = grads.get(x);
                        grads.put(x, previous == null ? dxs[i] : previous.add(dxs[i]));
                    }
                    if (readers.merge(x, -1, Integer::sum) > 0) {
                        continue;
                    }
                    Tensor gx = products.take(x, slices.take(x, grads.remove(x)));
                    if (x.node() == null) {
                        finish(x, gx, onLeafDone);
                    } else {
                        if (gx != null) {
                            grads.put(x, gx);
                        }
                        ready.add(x);
                    }
                }
            }
        }
    }

    /**
     * The gradients of node's inputs given its output t's gradient g; a product whose right operand's gradient is
     * joined ({@link ProductGradients}) gives only its left operand's and leaves g to the join.
     */
    private static Tensor[] gradients(Node node, Tensor t, Tensor g, ProductGradients products) {
        if (!products.joins(node)) {
            return Derivatives.backward(node.op(), node.inputs(), t, g);
        }
        products.add(node, g);
        Tensor a = node.inputs()[0];
        return new Tensor[] {a.requiresGrad() ? Derivatives.matmulLeft((MatMulOp) node.op(), node.inputs()[1], g) : null,
                null};
    }

    /** Adds a leaf's final gradient {@code g} (null: it got none) to what earlier backward calls left in it. */
    private static void finish(Tensor leaf, Tensor g, Consumer<Tensor> onLeafDone) {
        if (g == null) {
            return;
        }
        leaf.setGrad(leaf.grad() == null ? g.contiguous() : leaf.grad().add(g));
        onLeafDone.accept(leaf);
    }

    /**
     * For each tensor that requires grad and leads to {@code output}: how many recorded op inputs read it; each
     * recorded node is counted once in {@code products}.
     */
    private static Map<Tensor, Integer> readerCounts(Tensor output, ProductGradients products) {
        Map<Tensor, Integer> readers = new IdentityHashMap<>();
        readers.put(output, 0);
        Deque<Tensor> todo = new ArrayDeque<>();
        todo.push(output);
        while (!todo.isEmpty()) {
            Node node = todo.pop().node();
            if (node == null) {
                continue;
            }
            products.count(node);
            for (Tensor x : node.inputs()) {
                if (x.requiresGrad() && readers.merge(x, 1, Integer::sum) == 1) {
                    todo.push(x); // first time seen
                }
            }
        }
        return readers;
    }
}
