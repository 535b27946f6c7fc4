package striate.parallel;

import java.util.List;
import striate.tensor.Tensor;

/**
 * Sums one bucket of gradients across replicas: the plug-in point for a collective engine. {@link DataParallel}
 * calls {@link #allReduce} once per bucket per step, in bucket order (0, 1, 2, ...), from its one communication
 * thread, as soon as every replica has filled that bucket; backward is usually still running for later buckets. Then
 * it calls {@link #finish} once. Between steps (a step returns once its exchange work is done) a caller may use the
 * exchange for values of its own, with a bucket number of its own: Spark's workers average their per-epoch scores
 * with bucket −1, every worker at the same point.
 *
 * <p>In one process, {@link RingAllReduce} sums the replicas' buffers, or a {@link CollectiveEngine}'s exchange
 * (NCCL) when the replicas are on distinct GPUs; {@link ExchangeChoice} says which. An engine that spans processes (NCCL, MPI,
 * Gloo; see "Beyond one machine" in the README) implements this interface too: {@code buffers} then holds this
 * process's replicas only, and the engine sums over every process and divides by the number of processes, so the
 * result is the mean gradient of the whole job's batch (each process runs a DataParallel on its share of it).
 */
public interface GradientExchange extends AutoCloseable {
    /**
     * Replaces every buffer, in place, with the element-wise sum of all of them (and, for a multi-process engine,
     * of the other processes' buffers of this bucket). Afterwards the buffers must be bit-identical: that is what
     * keeps the replicas' weights identical. Each buffer is 1-D, contiguous, of one length and dtype, on its
     * replica's device; {@code bucket} says which part of the gradients this is, the same on every replica.
     */
    void allReduce(int bucket, List<Tensor> buffers);

    /**
     * Called once per step on the communication thread, after the last bucket's {@link #allReduce} and before any
     * replica reads the sums (its optimizer step). An engine that only queues its all-reduces (NCCL, on streams of its
     * own) makes the replicas' devices wait for them here, once, rather than after each bucket, where the wait would
     * also hold back the rest of backward. Nothing to do by default: the sums are there when allReduce returns. An
     * exchange that wraps another (to time it, say) must forward this call.
     */
    default void finish() {
    }

    /**
     * Releases what the exchange holds (a collective library's communicators). A {@link DataParallel} closes the
     * exchanges it opened itself, never one given to its builder. Nothing to release by default.
     */
    @Override
    default void close() throws Exception {
    }
}
