package striate.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.BarrierTaskInfo;
import scala.collection.Iterator;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.AbstractFunction1;

/**
 * The body of one task of the barrier stage: one worker. Its rank is its partition index. It opens a server
 * socket, shares its port with the other tasks through {@link BarrierTaskContext#allGather} (each task's host is
 * its executor's address from {@link BarrierTaskContext#getTaskInfos}), joins the {@link SocketRing} and runs
 * {@link Worker#run}; the one element of its partition's output is the worker's {@link Worker.Report}.
 */
final class BarrierTask extends AbstractFunction1<Iterator<Integer>, Iterator<Worker.Report>> implements Serializable {
    /** How long a worker waits for a peer: to connect, or for the next chunk of an all-reduce. */
    static final Duration PEER_TIMEOUT = Duration.ofMinutes(10);

    private final Options options;

    BarrierTask(Options options) {
        this.options = options;
    }

    @Override
    public Iterator<Worker.Report> apply(Iterator<Integer> partition) {
        Train.checkJava(Runtime.version());
        BarrierTaskContext context = BarrierTaskContext.get();
        int rank = context.partitionId();
        // join closes the server socket; the try closes it when anything before join fails (a second close is a no-op)
        try (ServerSocket server = SocketRing.listen()) {
            List<InetSocketAddress> peers = peers(context, server.getLocalPort());
            try (SocketRing ring = SocketRing.join(rank, peers, server, PEER_TIMEOUT)) {
                Worker.Report report = Worker.run(options, rank, ring);
                return CollectionConverters.asScala(List.of(report).iterator());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("worker " + rank + ": " + e.getMessage(), e);
        }
    }

    /** Every task's host and server port, in rank order; shares this task's {@code port} with the others. */
    private List<InetSocketAddress> peers(BarrierTaskContext context, int port) {
        String[] ports = context.allGather(Integer.toString(port));
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
