package striate.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import striate.op.MatMulOp;
import striate.op.SliceOp;
import striate.tensor.ScopeOwned;
import striate.tensor.ShapeMismatchException;
import striate.tensor.Tensor;

/**
 * Reverse-mode differentiation over the recorded graph. Counts, for every tensor that requires grad and leads to
 * the output, how many recorded op inputs read it; then differentiates each tensor through {@link Derivatives}
 * once all its readers are done (Kahn's order, first ready first), as PyTorch's engine does. {@link #backward}: a
 * leaf's gradient is final when its last reader is done: it is added to {@link Tensor#grad()} at that moment, so
 * the last layer's parameters are finished first, while the rest of the pass goes on (data parallel training starts
 * reducing them then); it runs with recording off, so gradients are plain tensors. {@link #grad} walks the same way
 * but only through the tensors that lead to the inputs asked for, and returns their gradients instead of adding to
 * any {@code grad()}; with createGraph it runs with recording on, so the gradients are recorded tensors that can be
 * differentiated again (PyTorch's {@code torch.autograd.grad(..., create_graph=True)}; WGAN-GP's gradient penalty).
 * The gradients of a tensor's slices are gathered and joined once it is done ({@link SliceGradients}), so the time
 * steps of a sequence tensor cost one pass, not one padded copy each; so is the gradient of a matrix that several
 * products read as their right operand ({@link ProductGradients}), so a recurrent layer's W_hh gets its gradient
 * from one product over all time steps. Both joins are made of recorded ops, so they serve createGraph too. Both
 * passes run with {@link Autocast} off: each backward rule computes in the types its forward op ran in.
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
        check("backward", output, dy);
        try (GradMode.Scope off = GradMode.off(); Autocast.Scope asRecorded = Autocast.disable()) {
            walk(output, dy, Tensor::requiresGrad, (t, g) -> {
                if (t.node() == null && g != null) {
                    if (t.grad() != null && t.grad().storage() instanceof ScopeOwned owned && owned.released()) {
                        throw new IllegalStateException("backward: the gradient a leaf " + t.shape() + " holds is "
                                + "from a MemoryScope that has closed (a gradient kept from an earlier step); call "
                                + "optimizer.zeroGrad() (or setGrad(null)) inside the scope before this backward, or "
                                + "accumulate gradients over several backward passes inside one scope");
                    }
                    t.setGrad(t.grad() == null ? g.contiguous() : t.grad().add(g));
                    onLeafDone.accept(t);
                }
            });
        }
    }

    /**
     * d output / d input for each of {@code inputs}, seeded with {@code dy} (of the output's shape), each of that
     * input's shape: zeros for an input the output does not depend on. Inputs may be leaves or computed tensors;
     * each must require grad. No tensor's {@link Tensor#grad()} changes. With {@code createGraph} the pass runs with
     * recording on, so the gradients are recorded and a loss built from them can be backpropagated (to the
     * parameters, for a gradient penalty); without it they are plain tensors, equal to what {@link #backward} would
     * add to leaves.
     */
    public static List<Tensor> grad(Tensor output, Tensor dy, List<Tensor> inputs, boolean createGraph) {
        check("grad", output, dy);
        for (int i = 0; i < inputs.size(); i++) {
            if (!inputs.get(i).requiresGrad()) {
                throw new IllegalArgumentException("Tape.grad: inputs[" + i + "] " + inputs.get(i).shape()
                        + " does not require grad; mark it with requiresGrad(true) before computing the output");
            }
        }
        Map<Tensor, Tensor> found = new IdentityHashMap<>();
        inputs.forEach(x -> found.put(x, null));
        Set<Tensor> needed = needed(output, inputs);
        try (GradMode.Scope mode = createGraph ? GradMode.on() : GradMode.off();
             Autocast.Scope asRecorded = Autocast.disable()) {
            if (!needed.isEmpty()) {
                walk(output, dy, needed::contains, (t, g) -> {
                    if (found.containsKey(t) && g != null) {
                        found.put(t, g.contiguous());
                    }
                });
            }
        }
        List<Tensor> out = new ArrayList<>();
        for (Tensor x : inputs) {
            Tensor g = found.get(x);
            out.add(g != null ? g : Tensor.zeros(x.device(), x.dtype(), x.shape().dims()));
        }
        return out;
    }

    private static void check(String what, Tensor output, Tensor dy) {
        if (!output.requiresGrad()) {
            throw new IllegalStateException(what + "() on a tensor that does not require grad: no parameter or "
                    + "input with requiresGrad(true) took part in computing it (or it ran under GradMode.off())");
        }
        if (!dy.shape().equals(output.shape())) {
            throw new ShapeMismatchException(what, "dy of shape " + dy.shape(), "the output's shape " + output.shape());
        }
        if (dy.dtype() != output.dtype() || !dy.device().equals(output.device())) {
            throw new IllegalArgumentException(what + ": dy is " + dy.dtype() + " on " + dy.device() + " but the output "
                    + "is " + output.dtype() + " on " + output.device() + "; give dy the output's type and device "
                    + "(dy.to(...))");
        }
    }

    /**
     * The pass: differentiates every {@code wanted} tensor that leads to the output in Kahn's order, and calls
     * {@code done} with each one (and its gradient, null when none flowed) as soon as its gradient is final.
     */
    private static void walk(Tensor output, Tensor dy, Predicate<Tensor> wanted, BiConsumer<Tensor, Tensor> done) {
        ProductGradients products = new ProductGradients(wanted);
        Map<Tensor, Integer> readers = readerCounts(output, products);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        SliceGradients slices = new SliceGradients();
        Deque<Tensor> ready = new ArrayDeque<>();
        done.accept(output, dy);
        if (output.node() != null) {
            grads.put(output, dy);
            ready.add(output);
        }
        while (!ready.isEmpty()) {
            Tensor t = ready.poll();
            Tensor g = grads.remove(t);
            Node node = t.node();
            SliceOp slice = node.op() instanceof SliceOp s ? s : null;
            Tensor[] dxs = g == null || slice != null ? null : gradients(node, t, g, products, wanted);
            for (int i = 0; i < node.inputs().length; i++) {
                Tensor x = node.inputs()[i];
                if (!wanted.test(x)) {
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
                done.accept(x, gx);
                if (x.node() != null) {
                    if (gx != null) {
                        grads.put(x, gx);
                    }
                    ready.add(x);
                }
            }
        }
    }

    /**
     * The gradients of node's wanted inputs given its output t's gradient g; a product whose right operand's
     * gradient is joined ({@link ProductGradients}) gives only its left operand's and leaves g to the join.
     */
    private static Tensor[] gradients(Node node, Tensor t, Tensor g, ProductGradients products,
                                      Predicate<Tensor> wanted) {
        Tensor[] in = node.inputs();
        boolean[] w = new boolean[in.length];
        for (int i = 0; i < in.length; i++) {
            w[i] = wanted.test(in[i]);
        }
        requireUnchanged(node, t, w);
        if (!products.joins(node)) {
            return Derivatives.backward(node.op(), in, t, g, w);
        }
        products.add(node, g);
        return new Tensor[] {wanted.test(in[0]) ? Derivatives.matmulLeft((MatMulOp) node.op(), in[1], g) : null, null};
    }

    /**
     * Refuses to differentiate {@code node} (which gave {@code output}, its inputs' gradients {@code wanted}) when a
     * value its derivative reads, an input's or the output's, was written in place since the op ran (an optimizer
     * step, {@code copyFrom} or {@code Parameter.set} between the forward pass and this backward): the gradient would
     * come from the new values, silently (PyTorch refuses too).
     */
    private static void requireUnchanged(Node node, Tensor output, boolean[] wanted) {
        Tensor[] in = node.inputs();
        for (int i = 0; i < in.length; i++) {
            if (in[i].storage().version() != node.versions()[i] && Derivatives.readsInput(node.op(), i, wanted)) {
                throw changed(node, "its input " + i + " " + in[i].shape());
            }
        }
        if (output.storage().version() != node.outputVersion() && Derivatives.readsOutput(node.op())) {
            throw changed(node, "its output " + output.shape());
        }
    }

    private static IllegalStateException changed(Node node, String what) {
        return new IllegalStateException(node.op().name() + "'s backward needs " + what + " as the forward pass left "
                + "it, but it was written in place since (an optimizer step, copyFrom or Parameter.set between the "
                + "forward pass and backward); run backward before changing it, or run the forward pass again");
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

    /**
     * The tensors on a path from one of {@code inputs} to {@code output}: the inputs the output depends on, and every
     * tensor computed from them that leads to the output. Every reader of such a tensor that leads to the output is
     * one too, so Kahn's order over them alone still waits for all of a tensor's readers.
     */
    private static Set<Tensor> needed(Tensor output, List<Tensor> inputs) {
        Map<Tensor, List<Tensor>> readersOf = new IdentityHashMap<>(); // x → the tensors computed from x
        Set<Tensor> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        seen.add(output);
        Deque<Tensor> todo = new ArrayDeque<>();
        todo.push(output);
        while (!todo.isEmpty()) {
            Tensor t = todo.pop();
            if (t.node() == null) {
                continue;
            }
            for (Tensor x : t.node().inputs()) {
                if (x.requiresGrad()) {
                    readersOf.computeIfAbsent(x, k -> new ArrayList<>()).add(t);
                    if (seen.add(x)) {
                        todo.push(x);
                    }
                }
            }
        }
        Set<Tensor> needed = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Tensor> up = new ArrayDeque<>();
        for (Tensor x : inputs) {
            if (seen.contains(x) && needed.add(x)) {
                up.add(x);
            }
        }
        while (!up.isEmpty()) {
            for (Tensor r : readersOf.getOrDefault(up.poll(), List.of())) {
                if (needed.add(r)) {
                    up.add(r);
                }
            }
        }
        return needed;
    }
}
