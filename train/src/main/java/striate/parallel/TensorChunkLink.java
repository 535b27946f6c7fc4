package striate.parallel;

import striate.tensor.MemoryScope;
import striate.tensor.Tensor;

/**
 * {@link ChunkLink} for any devices, through tensor operations: a copy is the backends' copy primitive between 1-D
 * views of the two ranges (on one GPU a device-to-device copy on its stream, between GPUs a peer copy; only the
 * range moves), and an add brings the source range to the destination's device (the same primitive, nothing when
 * both are on one device), adds it there with the backend's add and copies the sum into place. Every backend
 * supports it, so data parallel runs wherever the model runs; it is the default off the host.
 */
public final class TensorChunkLink implements ChunkLink {
    @Override
    public void copy(Tensor src, long srcAt, Tensor dst, long dstAt, long n) {
        if (n == 0) {
            return;
        }
        range(dst, dstAt, n).copyFrom(range(src, srcAt, n));
    }

    @Override
    public void add(Tensor src, Tensor dst, long at, long n) {
        if (n == 0) {
            return;
        }
        try (MemoryScope scope = MemoryScope.open()) { // the moved range and the sum are freed at once
            Tensor target = range(dst, at, n);
            target.copyFrom(target.add(range(src, at, n).to(dst.device())));
        }
    }

    /** Elements [at, at + n) of a contiguous tensor, as a 1-D view. */
    private static Tensor range(Tensor t, long at, long n) {
        if (!t.isContiguous()) {
            throw new IllegalArgumentException("TensorChunkLink: buffers must be contiguous, got " + t.shape());
        }
        if (at < 0 || n < 0 || at + n > t.size()) {
            throw new IndexOutOfBoundsException("TensorChunkLink: elements [" + at + ", " + (at + n) + ") of a buffer of "
                    + t.size());
        }
        return t.reshape(t.size()).slice(0, at, at + n);
    }
}
