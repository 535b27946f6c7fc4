package striate.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.BarrierTaskInfo;
import org.apache.spark.resource.ResourceInformation;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;
import striate.data.DataFileException;
import striate.parallel.GradientExchange;
import striate.parallel.PeerWatch;
import striate.parallel.ProcessGroupEngine;
import striate.tensor.Device;
import striate.train.CheckpointException;

/**
 * The body of one task of the barrier stage: one worker. Its rank is its partition index. On CPUs it opens a server
 * socket, shares its port with the other tasks through {@link BarrierTaskContext#allGather} (each task's host is
 * its executor's address from {@link BarrierTaskContext#getTaskInfos}) and joins the {@link SocketRing}; on GPUs
 * ({@code --device cuda}) it trains on the GPU Spark's resource scheduling gave the task, and rank 0's NCCL group id
 * goes to every task through {@code allGather} before each joins the group ({@link ProcessGroupEngine}). Then it runs
 * {@link Worker#run} on its examples ({@link Examples}: the options' {@code --data}, or its partition of a DataFrame); the
 * one element of its partition's output is the worker's {@link Worker.Report}. A worker that cannot start for the job's
 * input ({@link #isInput}) says so in the rendezvous instead, and then every task returns its reason
 * ({@link TaskOutcome.Refused}) and succeeds, so that Spark does not retry the stage.
 */
final class BarrierTask<T> extends AbstractFunction1<Iterator<T>, Iterator<TaskOutcome>> implements Serializable {
    /**
     * A worker's examples: the run's training examples at run-wide indices ({@link ShardOrder}'s, of which it reads
     * its shard), and its slice of the test images, which it scores after each epoch (null when the run has none).
     */
    record Shard(striate.data.Dataset train, striate.data.Dataset test) {
    }

    /** Where a worker's examples come from: the options' {@code --data}, or its partition of a DataFrame. */
    interface Examples<T> extends Serializable {
        /** Worker {@code rank}'s examples. */
        Shard read(Options o, int rank, java.util.Iterator<T> partition) throws IOException;
    }

    /**
     * {@code --data}'s examples: every worker reads the folder, and scores its slice [r·T/N, (r+1)·T/N) of the T test
     * images.
     */
    record DataOption() implements Examples<Integer> {
        @Override
        public Shard read(Options o, int rank, java.util.Iterator<Integer> partition) throws IOException {
            striate.data.Dataset test = Worker.testData(o);
            return new Shard(Worker.data(o), test == null ? null : test.subset(
                    FrameShards.testStart(rank, test.size(), o.workers()),
                    FrameShards.testStart(rank + 1, test.size(), o.workers())));
        }
    }

    /**
     * How long a worker waits for a peer: to connect, or for the next chunk of an all-reduce (the ring's sockets); on
     * GPUs, how long a step's NCCL collectives may wait before the group is aborted.
     */
    static final Duration PEER_TIMEOUT = PeerWatch.DEFAULT_TIMEOUT;

    private final Options options;
    private final Examples<T> examples;

    BarrierTask(Options options, Examples<T> examples) {
        this.options = options;
        this.examples = examples;
    }

    /** How a worker's word in the rendezvous says that it cannot start; the reason follows. */
    static final String REFUSED = "refused: ";

    @Override
    public Iterator<TaskOutcome> apply(Iterator<T> partition) {
        BarrierTaskContext context = BarrierTaskContext.get();
        int rank = context.partitionId();
        Device device = null;
        ProcessGroupEngine nccl = null;
        Worker.Start start;
        try {
            device = device(context);
            if (options.onGpus()) {
                nccl = nccl(device);
            }
            start = Worker.prepare(options, examples.read(options, rank, CollectionConverters.asJava(partition)));
        } catch (IOException | RuntimeException e) {
            String reason = e.getMessage() != null && e.getMessage().startsWith("worker " + rank + " ") ? e.getMessage()
                    : "worker " + rank + (device == null || !options.onGpus() ? "" : " on " + device) + ": "
                    + e.getMessage();
            if (!isInput(e)) {
                throw e instanceof IOException io ? new UncheckedIOException(reason, io) : (RuntimeException) e;
            }
            // the others wait in the rendezvous: each learns there that the workers refuse, and why
            return refused(context.allGather(REFUSED + reason)).orElseThrow();
        }
        return nccl != null ? onGpu(context, rank, device, nccl, start) : onCpu(context, rank, device, start);
    }

    /**
     * This task's device: its GPU ({@link #gpu}) or cpu:0, on a Java that {@link Train#checkJava} accepts. A wrong
     * Java or GPU setup is the job's input.
     */
    private Device device(BarrierTaskContext context) throws JobInputException {
        try {
            Train.checkJava(Runtime.version());
            return options.onGpus() ? gpu(context.resourcesJMap()) : Device.parse("cpu:0");
        } catch (IllegalStateException e) {
            throw new JobInputException(e.getMessage(), e);
        }
    }

    /**
     * Whether {@code e}, a worker's failure to start, is the job's input's: the options, the data, the checkpoint
     * folder or its checkpoint, the JVM or the GPU configuration (IllegalArgumentException, JobInputException, the
     * engine's data and checkpoint errors, a file that is not there). Those are the same on a retry, so the workers
     * refuse together and their tasks succeed (a failed task fails the stage, which Spark retries, up to
     * spark.stage.maxConsecutiveAttempts times). Other failures, such as a read cut short or a DataFrame shard that
     * did not arrive whole (IllegalStateException), fail the stage.
     */
    static boolean isInput(Throwable e) {
        return e instanceof IllegalArgumentException || e instanceof JobInputException || e instanceof DataFileException
                || e instanceof CheckpointException || e instanceof NoSuchFileException
                || e instanceof NotDirectoryException || e instanceof AccessDeniedException
                || e instanceof UncheckedIOException u && isInput(u.getCause());
    }

    /**
     * The outcome of a rendezvous whose {@code words} (every worker's, in rank order) hold a refusal: the first
     * refusal's reason, which every worker returns; empty when every worker can start.
     */
    static Optional<Iterator<TaskOutcome>> refused(String[] words) {
        return Arrays.stream(words).filter(w -> w.startsWith(REFUSED)).findFirst().map(w -> CollectionConverters
                .asScala(List.<TaskOutcome>of(new TaskOutcome.Refused(w.substring(REFUSED.length()))).iterator()));
    }

    private Iterator<TaskOutcome> onCpu(BarrierTaskContext context, int rank, Device device, Worker.Start start) {
        // join closes the server socket; the try closes it when anything before join fails (a second close is a no-op)
        try (ServerSocket server = SocketRing.listen()) {
            String[] ports = context.allGather(Integer.toString(server.getLocalPort()));
            Optional<Iterator<TaskOutcome>> refused = refused(ports);
            if (refused.isPresent()) {
                return refused.get();
            }
            try (SocketRing ring = SocketRing.join(rank, peers(context, ports), server, PEER_TIMEOUT)) {
                Worker.Report report = Worker.run(options, rank, device, ring, start);
                finished(context);
                return CollectionConverters.asScala(List.<TaskOutcome>of(report).iterator());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("worker " + rank + ": " + e.getMessage(), e);
        }
    }

    /**
     * Waits until every worker has finished, rank 0's last checkpoint included. A worker that returned at once would
     * succeed while rank 0 might still fail writing that checkpoint; Spark then kept its result and retried rank 0
     * alone, which waited in the next rendezvous for a peer that never came (a hang). Waiting here, the others are
     * still running when rank 0 fails, so Spark kills them and retries the whole stage.
     */
    private static void finished(BarrierTaskContext context) {
        context.barrier();
    }

    /** The NCCL engine for {@code device}, or why it cannot serve (the job's input: its jar, the node's NCCL). */
    private static ProcessGroupEngine nccl(Device device) throws JobInputException {
        ProcessGroupEngine nccl = ProcessGroupEngine.named("nccl").orElseThrow(() -> new JobInputException(
                "--device cuda needs the NCCL engine of striate-backend-cuda, which this jar lacks"));
        Optional<String> why = nccl.unavailable(device);
        if (why.isPresent()) {
            throw new JobInputException(why.get());
        }
        return nccl;
    }

    private Iterator<TaskOutcome> onGpu(BarrierTaskContext context, int rank, Device device, ProcessGroupEngine nccl,
                                        Worker.Start start) {
        String[] ids = context.allGather(rank == 0 ? HexFormat.of().formatHex(nccl.newGroupId()) : "");
        Optional<Iterator<TaskOutcome>> refused = refused(ids);
        if (refused.isPresent()) {
            return refused.get();
        }
        // NCCL waits on the GPU for a lost peer forever; the group is aborted when Spark kills this task (another
        // task of the stage failed), so the task ends and the stage can be retried
        PeerWatch watch = new PeerWatch(PEER_TIMEOUT, killed(context));
        try (GradientExchange group = nccl.join(device, HexFormat.of().parseHex(ids[0]), options.workers(), rank,
                watch)) {
            Worker.Report report = Worker.run(options, rank, device, group, start);
            finished(context);
            return CollectionConverters.asScala(List.<TaskOutcome>of(report).iterator());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("worker " + rank + ": closing the NCCL group failed: " + e.getMessage(), e);
        }
    }

    /**
     * Spark's word that it killed this task, polled by the NCCL watchdog from a thread of its own: empty while the
     * task runs, else the kill's reason. Spark kills every running task of a barrier stage when one fails (and every
     * task of a cancelled job) by marking its context, without interrupting the thread (SparkTrainTest checks it).
     */
    static java.util.function.Supplier<Optional<String>> killed(org.apache.spark.TaskContext context) {
        return () -> context.isInterrupted() // the reason's first line: Spark appends the failed task's stack trace
                ? Optional.of("Spark killed the task: " + context.getKillReason().getOrElse(() -> "no reason given")
                        .lines().findFirst().orElse(""))
                : Optional.empty();
    }

    /**
     * The GPU Spark gave this task ({@code spark.task.resource.gpu.amount=1}): the one address of its "gpu" resource,
     * a CUDA ordinal. No GPU, or more than one, is an error saying how to submit.
     */
    static Device gpu(Map<String, ResourceInformation> resources) {
        ResourceInformation gpus = resources.get("gpu");
        String[] addresses = gpus == null ? new String[0] : gpus.addresses();
        if (addresses.length != 1) {
            throw new IllegalStateException("--device cuda needs one GPU per task, and Spark gave "
                    + "this one " + (addresses.length == 0 ? "none" : addresses.length + " " + Arrays.toString(addresses))
                    + "; submit with --conf spark.executor.resource.gpu.amount=1 --conf spark.task.resource.gpu.amount=1 "
                    + "and a GPU discovery script (README: Training on Apache Spark)");
        }
        try {
            return Device.cuda(Integer.parseInt(addresses[0].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Spark's GPU address '" + addresses[0] + "' is not a "
                    + "CUDA device ordinal; the discovery script must print the ordinals (0, 1, ...)", e);
        }
    }

    /** Every task's host and server port, in rank order, from the ports the rendezvous gathered. */
    private List<InetSocketAddress> peers(BarrierTaskContext context, String[] ports) {
        BarrierTaskInfo[] tasks = context.getTaskInfos();
        if (tasks.length != options.workers()) {
            throw new IllegalStateException("the barrier stage has " + tasks.length + " tasks but --workers is "
                    + options.workers());
        }
        List<InetSocketAddress> peers = new ArrayList<>();
        for (int r = 0; r < tasks.length; r++) {
            peers.add(new InetSocketAddress(host(tasks[r].address()), Integer.parseInt(ports[r])));
        }
        return peers;
    }

    /** The host of an executor address, given as "host", "host:port", "[ipv6]" or "[ipv6]:port". */
    static String host(String address) {
        if (address.startsWith("[")) { // an IPv6 literal, "[fe80::1]" or "[fe80::1]:7078"
            int close = address.indexOf(']');
            return close > 0 ? address.substring(1, close) : address;
        }
        int colon = address.lastIndexOf(':');
        return colon > 0 && address.indexOf(':') == colon ? address.substring(0, colon) : address;
    }
}
