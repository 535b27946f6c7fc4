package striate.parallel;

import striate.tensor.Tensor;

/**
 * Moves element ranges between flat gradient buffers: a replica's gradients into its flat buffer, and chunks from
 * one replica's buffer to the next one's in {@link RingAllReduce}. Ranges count elements from each tensor's first
 * element; tensors are 1-D or contiguous, of one dtype. A call has finished with both ranges when it returns, as
 * far as the host and later work on either device can tell (a GPU orders its copies and adds on its stream).
 *
 * <p>Both links move data only through the backends' copy primitive ({@code Tensor.copyFrom}, counted in each
 * backend's {@code Traffic}): {@link HostChunkLink} serves host devices (reference, cpu) with memory copies and
 * in-place adds; {@link TensorChunkLink} serves any device with copies (device to device on one GPU, peer copies
 * between GPUs) and the backend's add. A link for a collective library (NCCL) would replace the exchange, not the
 * link (see {@link GradientExchange}).
 */
public interface ChunkLink {
    /** dst[dstAt, dstAt + n) = src[srcAt, srcAt + n). */
    void copy(Tensor src, long srcAt, Tensor dst, long dstAt, long n);

    /** dst[at, at + n) = dst[at, at + n) + src[at, at + n), element by element in the buffers' dtype. */
    void add(Tensor src, Tensor dst, long at, long n);
}
