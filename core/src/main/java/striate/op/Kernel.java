package striate.op;

import striate.tensor.Tensor;

/**
 * One backend's implementation of one op. The dispatcher has already checked arity, devices, shapes and
 * types, and allocated {@code output} (contiguous, of the inferred shape); inputs may be strided views.
 * The output's contents are undefined (recycled pool memory inside a MemoryScope): a kernel writes every
 * element of it. In-place ops get a null output and update their inputs.
 */
@FunctionalInterface
public interface Kernel<O extends Op> {
    void run(O op, Tensor[] inputs, Tensor output);
}
