package striate.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import striate.parallel.HostChunkLink;
import striate.parallel.RingAllReduce;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * N "workers" on localhost sockets, each on a thread of its own with its own buffer, reduce like the in-process
 * {@link RingAllReduce} over the same N buffers: bit for bit the same sum (the ring adds in the same order), then
 * divided by N. Also: bucket lengths that differ between ranks, and a rank that goes away, fail with a clear error.
 */
class SocketRingTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static List<Tensor> buffers(int n, int length, long seed) {
        Rng rng = new Rng(seed);
        List<Tensor> out = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            float[] v = new float[length + 3];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(5) - 2));
            }
            out.add(Tensor.of(Device.reference(), v).slice(0, 1, 1 + length)); // a view at an offset
        }
        return out;
    }

    /** Joins n rings on localhost, one per thread, and runs {@code work} on each; returns their results. */
    static <T> List<T> onRing(int n, RankWork<T> work) throws Exception {
        List<ServerSocket> servers = new ArrayList<>();
        List<InetSocketAddress> peers = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            ServerSocket s = SocketRing.listen();
            servers.add(s);
            peers.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> results = new ArrayList<>();
            for (int r = 0; r < n; r++) {
                int rank = r;
                results.add(pool.submit(() -> {
                    try (SocketRing ring = SocketRing.join(rank, peers, servers.get(rank), TIMEOUT)) {
                        return work.run(rank, ring);
                    }
                }));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> f : results) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    interface RankWork<T> {
        T run(int rank, SocketRing ring) throws Exception;
    }

    @Test
    void workersOnSocketsEndWithTheInProcessRingsSumDividedByNBitForBit() throws Exception {
        for (int n = 1; n <= 4; n++) {
            for (int length : new int[] {0, 1, n + 1, 1000, 70001}) {
                String what = "N=" + n + ", length " + length;
                List<Tensor> expected = buffers(n, length, 7L * n + length);
                new RingAllReduce(new HostChunkLink()).allReduce(0, expected);
                float[] mean = expected.getFirst().toFloatArray();
                for (int i = 0; i < mean.length; i++) {
                    mean[i] = mean[i] / n;
                }
                List<Tensor> mine = buffers(n, length, 7L * n + length);
                List<float[]> got = onRing(n, (rank, ring) -> {
                    ring.allReduce(0, List.of(mine.get(rank)));
                    ring.allReduce(1, List.of(mine.get(rank).slice(0, 0, length / 2))); // a second bucket, in place
                    return mine.get(rank).toFloatArray();
                });
                for (int r = 0; r < n; r++) {
                    float[] g = got.get(r);
                    float[] first = java.util.Arrays.copyOfRange(g, length / 2, length);
                    assertArrayEquals(java.util.Arrays.copyOfRange(mean, length / 2, length), first,
                            what + ": rank " + r + " differs from the in-process ring's mean");
                    assertArrayEquals(got.getFirst(), g, what + ": rank " + r + " differs from rank 0");
                }
            }
        }
    }

    @Test
    void ranksWithDifferentBucketLengthsFail() throws Exception {
        List<String> errors = onRing(2, (rank, ring) -> {
            try {
                ring.allReduce(3, List.of(Tensor.zeros(Device.reference(), striate.tensor.DType.F32, 10 + rank)));
                return "no error";
            } catch (UncheckedIOException e) {
                return rootMessage(e);
            }
        });
        // each rank reads the other's header; one may see the connection reset by the other's exit first
        assertTrue(errors.stream().anyMatch(m -> String.valueOf(m).contains("every worker must train the same "
                + "model")), errors.toString());
    }

    @Test
    void aRankThatLeavesFailsTheOthersInsteadOfHangingAndTheirRingsStayFailed() throws Exception {
        List<String> errors = onRing(3, (rank, ring) -> {
            if (rank == 2) {
                ring.close();
                return "left";
            }
            Tensor b = Tensor.zeros(Device.reference(), striate.tensor.DType.F32, 100);
            assertThrows(UncheckedIOException.class, () -> ring.allReduce(0, List.of(b)));
            return assertThrows(IllegalStateException.class, () -> ring.allReduce(1, List.of(b))).getMessage();
        });
        assertTrue(errors.get(0).contains("an earlier all-reduce failed"), errors.get(0));
        assertTrue(errors.get(1).contains("an earlier all-reduce failed"), errors.get(1));
    }

    @Test
    void aRankWhoseNextRankIsNotListeningYetRetriesUntilItIs() throws Exception {
        // Rank 1's port is reserved, then closed: rank 0's first connects are refused, and it retries until rank 1
        // opens its listener there half a second later; both rings then reduce.
        ServerSocket own = SocketRing.listen();
        int port;
        try (ServerSocket reserve = SocketRing.listen()) {
            port = reserve.getLocalPort();
        }
        List<InetSocketAddress> peers = List.of(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), own.getLocalPort()),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<float[]> rank0 = pool.submit(() -> {
                try (SocketRing ring = SocketRing.join(0, peers, own, TIMEOUT)) {
                    Tensor b = Tensor.of(Device.reference(), new float[] {1, 2});
                    ring.allReduce(0, List.of(b));
                    return b.toFloatArray();
                }
            });
            Thread.sleep(500);
            assertFalse(rank0.isDone(), "rank 0 is still retrying, not failed");
            ServerSocket late = new ServerSocket(port);
            try (SocketRing ring = SocketRing.join(1, peers, late, TIMEOUT)) {
                Tensor b = Tensor.of(Device.reference(), new float[] {3, 4});
                ring.allReduce(0, List.of(b));
                assertArrayEquals(new float[] {2, 3}, b.toFloatArray());
            }
            assertArrayEquals(new float[] {2, 3}, rank0.get());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aWrongPeerListIsRefused() throws IOException {
        ServerSocket s = SocketRing.listen();
        assertThrows(IllegalArgumentException.class, () -> SocketRing.join(2, List.of(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort())), s, TIMEOUT));
        s.close();
    }

    @Test
    void aFailedHandshakeClosesTheSocketToTheNextRank() throws Exception {
        ServerSocket own = SocketRing.listen();
        try (ServerSocket nextRank = SocketRing.listen()) {
            List<InetSocketAddress> peers = List.of(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), own.getLocalPort()),
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), nextRank.getLocalPort()));
            // the "previous rank" connects and leaves without a hello: rank 0's handshake read fails
            new Socket(InetAddress.getLoopbackAddress(), own.getLocalPort()).close();
            assertThrows(IOException.class, () -> SocketRing.join(0, peers, own, TIMEOUT));
            try (Socket fromRank0 = nextRank.accept()) {
                fromRank0.setSoTimeout(10_000);
                DataInputStream in = new DataInputStream(fromRank0.getInputStream());
                in.readInt(); // rank 0's hello: magic, rank, world
                in.readInt();
                in.readInt();
                assertEquals(-1, in.read(), "rank 0 closed its socket to the next rank");
            }
        }
        assertTrue(own.isClosed());
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
