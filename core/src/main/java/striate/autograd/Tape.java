package striate.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * Reverse-mode differentiation over the recorded graph: orders the nodes reachable from the output
 * topologically, replays them in reverse through {@link Derivatives}, and accumulates each leaf's gradient
 * into {@link Tensor#grad()}. Runs with recording off, so gradients are plain tensors.
 */
public final class Tape {
    private Tape() {
    }

    /** Accumulates d output / d leaf, seeded with {@code dy}, into every leaf that requires grad. */
    public static void backward(Tensor output, Tensor dy) {
        if (!output.requiresGrad()) {
            throw new IllegalStateException("backward() on a tensor that does not require grad: no parameter or "
                    + "input with requiresGrad(true) took part in computing it (or it ran under GradMode.off())");
        }
        if (!dy.shape().equals(output.shape())) {
            throw new ShapeMismatchException("backward", "dy of shape " + dy.shape(), "the output's shape " + output.shape());
        }
        try (GradMode.Scope off = GradMode.off()) {
            Map<Tensor, Tensor> grads = new IdentityHashMap<>();
            grads.put(output, dy);
            for (Tensor t : reverseTopological(output)) {
                Tensor g = grads.remove(t);
                if (g == null) {
                    continue;
                }
                Node node = t.node();
                if (node == null) {
                    t.setGrad(t.grad() == null ? g.contiguous() : t.grad().add(g));
                    continue;
                }
                Tensor[] dxs = Derivatives.backward(node.op(), node.inputs(), t, g);
                for (int i = 0; i < dxs.length; i++) {
                    Tensor x = node.inputs()[i];
                    if (dxs[i] == null || !x.requiresGrad()) {
                        continue;
                    }
                    Tensor previous = grads.get(x);
                    grads.put(x, previous == null ? dxs[i] : previous.add(dxs[i]));
                }
            }
        }
    }

    /** Every tensor that requires grad and leads to {@code output}, outputs before the tensors they read. */
    private static List<Tensor> reverseTopological(Tensor output) {
        List<Tensor> order = new ArrayList<>();
        Set<Tensor> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {output, Boolean.FALSE});
        while (!stack.isEmpty()) {
            Object[] frame = stack.pop();
            Tensor t = (Tensor) frame[0];
            if ((Boolean) frame[1]) {
                order.add(t);
                continue;
            }
            if (!visited.add(t)) {
                continue;
            }
            stack.push(new Object[] {t, Boolean.TRUE});
            if (t.node() != null) {
                for (Tensor x : t.node().inputs()) {
                    if (x.requiresGrad() && !visited.contains(x)) {
                        stack.push(new Object[] {x, Boolean.FALSE});
                    }
                }
            }
        }
        Collections.reverse(order);
        return order;
    }
}
