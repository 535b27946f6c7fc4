package striate.parallel;

import striate.tensor.Tensor;

/**
 * Moves element ranges between flat gradient buffers: a replica's gradients into its flat buffer, and chunks from
 * one replica's buffer to the next one's in {@link RingAllReduce}. Ranges count elements from each tensor's first
 * element; tensors are 1-D or contiguous, of one dtype. A call has finished with both ranges when it returns.
 *
 * <p>{@link HostChunkLink} serves host devices (reference, cpu) with memory copies. The seam for GPUs: a CUDA
 * link would copy with {@code cudaMemcpyPeerAsync} between GPUs that can reach each other
 * ({@code cudaDeviceCanAccessPeer}, peer access enabled once per pair), and otherwise stage through a pinned host
 * buffer (device → pinned → device); {@link #add} lands the chunk in a scratch buffer on the receiving device and
 * adds it there with a kernel, on that device's stream, synchronizing before it returns.
 */
public interface ChunkLink {
    /** dst[dstAt, dstAt + n) = src[srcAt, srcAt + n). */
    void copy(Tensor src, long srcAt, Tensor dst, long dstAt, long n);

    /** dst[at, at + n) = dst[at, at + n) + src[at, at + n), element by element in the buffers' dtype. */
    void add(Tensor src, Tensor dst, long at, long n);
}
