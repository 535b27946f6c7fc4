package striate.spark;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import striate.parallel.GradientExchange;
import striate.parallel.RingAllReduce;
import striate.tensor.DType;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * A {@link GradientExchange} across worker processes: the ring all-reduce of {@link RingAllReduce}, with rank r's
 * chunks travelling to rank r + 1 over one TCP connection and arriving from rank r − 1 over another. Each process
 * holds one host buffer per bucket (one replica per worker); afterwards every process holds the sum over all ranks
 * divided by the number of ranks, so each worker's gradient is the mean of the workers' mean-loss gradients.
 *
 * <p>The schedule and the order of additions are those of {@link RingAllReduce} (chunk c is summed as
 * ((b_c + b_{c+1}) + b_{c+2}) + …), so N ranks end with the bits N in-process replicas would, divided by N. Two
 * ranks swap their whole buffers in one exchange instead (the same bytes on the wire, one round trip instead of
 * three), and each adds the other's to its own once its send is done: a + b and b + a are the same float, so the
 * bits are the ring's. Bytes
 * travel in the host's native order: the workers must share one byte order (every x86-64 and AArch64 machine
 * does). A send runs on a thread of its own while the caller receives, so the ring cannot deadlock on full socket
 * buffers. A peer that dies closes its sockets and the next read fails; a peer that hangs fails the read after
 * {@code timeout}.
 */
public final class SocketRing implements GradientExchange, AutoCloseable {
    private static final int BLOCK = 1 << 16; // bytes per socket read or write
    private static final int HELLO = 0x53524e47; // "SRNG"
    private static final long RETRY_MILLIS = 50; // between attempts to connect to the next worker

    private final int rank;
    private final int world;
    private final Socket next;
    private final Socket previous;
    private final DataOutputStream toNext;
    private final DataInputStream fromPrevious;
    private final ExecutorService sender;
    private boolean broken; // an all-reduce failed part way: the streams are out of step
    // The bucket as arrays while it is averaged; with two ranks, the other rank's bucket as received.
    private float[] myFloats = new float[0];
    private float[] theirFloats = new float[0];
    private double[] myDoubles = new double[0];
    private double[] theirDoubles = new double[0];

    private SocketRing(int rank, int world, Socket next, Socket previous) throws IOException {
        this.rank = rank;
        this.world = world;
        this.next = next;
        this.previous = previous;
        toNext = next == null ? null : new DataOutputStream(new BufferedOutputStream(next.getOutputStream(), BLOCK));
        fromPrevious = previous == null ? null
                : new DataInputStream(new BufferedInputStream(previous.getInputStream(), BLOCK));
        sender = Executors.newSingleThreadExecutor(task -> {
            Thread t = new Thread(task, "striate-ring-send-" + rank);
            t.setDaemon(true);
            return t;
        });
    }

    /** A server socket on every interface and a free port, for this worker's predecessor to connect to. */
    public static ServerSocket listen() throws IOException {
        return new ServerSocket(0);
    }

    /**
     * Joins the ring as {@code rank} of {@code peers.size()}: connects to the next rank's address (retrying until
     * {@code timeout}, as the peers start at slightly different times) and accepts the previous rank on
     * {@code server}, which this call closes. If the handshake fails, both sockets are closed before the error is
     * thrown. Every rank must call it with the same peer list, in rank order.
     */
    public static SocketRing join(int rank, List<InetSocketAddress> peers, ServerSocket server, Duration timeout)
            throws IOException {
        int world = peers.size();
        try (server) {
            if (rank < 0 || rank >= world) {
                throw new IllegalArgumentException("SocketRing: rank " + rank + " is outside the " + world + " peers");
            }
            if (world == 1) {
                return new SocketRing(0, 1, null, null);
            }
            int millis = Math.toIntExact(timeout.toMillis());
            Socket next = connect(peers.get((rank + 1) % world), millis);
            Socket previous = null;
            try {
                next.setSoTimeout(millis);
                DataOutputStream hello = new DataOutputStream(next.getOutputStream());
                hello.writeInt(HELLO);
                hello.writeInt(rank);
                hello.writeInt(world);
                hello.flush();
                server.setSoTimeout(millis);
                try {
                    previous = server.accept();
                } catch (SocketTimeoutException e) {
                    throw new IOException("SocketRing: rank " + rank + " waited " + timeout + " for rank "
                            + Math.floorMod(rank - 1, world) + " to connect to port " + server.getLocalPort()
                            + "; check that the workers can reach each other on that port", e);
                }
                previous.setSoTimeout(millis);
                previous.setTcpNoDelay(true);
                next.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(previous.getInputStream());
                int magic = in.readInt();
                int from = in.readInt();
                int size = in.readInt();
                if (magic != HELLO || from != Math.floorMod(rank - 1, world) || size != world) {
                    throw new IOException("SocketRing: rank " + rank + " of " + world + " was reached by rank " + from
                            + " of " + size + " (magic " + Integer.toHexString(magic) + "); every worker must be given"
                            + " the same peer list in rank order");
                }
                return new SocketRing(rank, world, next, previous);
            } catch (IOException | RuntimeException e) {
                close(previous, e);
                close(next, e);
                throw e;
            }
        }
    }

    /** Closes a socket of a failed handshake, keeping any failure to close as suppressed by {@code failure}. */
    private static void close(Socket socket, Exception failure) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Connects to the next worker, retrying a failed attempt every {@link #RETRY_MILLIS} ms until {@code millis} have
     * passed: its listener is open before the rendezvous, but a connect can still fail for a moment (a full accept
     * backlog, a network path coming up); a peer that never answers fails with its address named.
     */
    private static Socket connect(InetSocketAddress address, int millis) throws IOException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            Socket s = new Socket();
            try {
                s.connect(address, millis);
                return s;
            } catch (IOException e) {
                s.close();
                if (System.nanoTime() > deadline) {
                    throw new IOException("SocketRing: could not connect to the next worker at " + address + " in "
                            + millis + " ms: " + e.getMessage(), e);
                }
                try {
                    Thread.sleep(RETRY_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new IOException("SocketRing: interrupted while connecting to " + address, interrupted);
                }
            }
        }
    }

    public int rank() {
        return rank;
    }

    public int world() {
        return world;
    }

    /**
     * Replaces this process's one buffer of bucket {@code bucket} with the mean over all ranks: a 1-D contiguous
     * float32 or float64 tensor in host memory, of the same length on every rank.
     */
    @Override
    public void allReduce(int bucket, List<Tensor> buffers) {
        if (buffers.size() != 1) {
            throw new IllegalArgumentException("SocketRing: bucket " + bucket + " has " + buffers.size() + " local "
                    + "buffers; a worker process runs one replica, so give its DataParallel one device");
        }
        Tensor b = buffers.getFirst();
        if (b.rank() != 1 || !b.isContiguous() || !(b.storage() instanceof HostStorage)
                || (b.dtype() != DType.F32 && b.dtype() != DType.F64)) {
            throw new IllegalArgumentException("SocketRing: bucket " + bucket + " is " + b.shape() + " " + b.dtype()
                    + " on " + b.device() + "; it needs a 1-D contiguous float32 or float64 buffer on a host device");
        }
        if (world == 1) {
            return;
        }
        if (broken) {
            throw new IllegalStateException("SocketRing: rank " + rank + ": an earlier all-reduce failed, so the "
                    + "connections are out of step; join a new ring (Spark does, when it retries the stage)");
        }
        broken = true;
        try {
            reduce(bucket, b);
            broken = false;
        } catch (IOException e) {
            String why = e instanceof EOFException ? "rank " + Math.floorMod(rank - 1, world) + " closed its "
                    + "connection (it failed or was stopped)" : e.getMessage();
            throw new UncheckedIOException("SocketRing: rank " + rank + " of " + world + " lost its peers during "
                    + "bucket " + bucket + ": " + why, e);
        }
    }

    private void reduce(int bucket, Tensor b) throws IOException {
        long length = b.size();
        int bytes = b.dtype().bytes();
        MemorySegment data = ((HostStorage) b.storage()).segment().asSlice(b.offset() * bytes, length * bytes);
        if (world == 2) { // one swap: each rank receives the other's whole buffer, then adds it to its own
            MemorySegment theirs = received(length, b.dtype());
            exchange(() -> {
                writeHeader(bucket, length);
                write(data, 0, length, bytes);
            }, () -> {
                readHeader(bucket, length);
                readInto(theirs, 0, length, bytes);
            });
            finish(data, length, b.dtype(), true); // after the send: it reads data
            return;
        }
        exchange(() -> writeHeader(bucket, length), () -> readHeader(bucket, length));
        for (int s = 0; s < world - 1; s++) {
            int send = Math.floorMod(rank - s, world);
            int receive = Math.floorMod(rank - 1 - s, world);
            exchange(() -> write(data, start(send, length), start(send + 1, length), bytes),
                    () -> readAdding(data, start(receive, length), start(receive + 1, length), b.dtype()));
        }
        for (int s = 0; s < world - 1; s++) {
            int send = Math.floorMod(rank + 1 - s, world);
            int receive = Math.floorMod(rank - s, world);
            exchange(() -> write(data, start(send, length), start(send + 1, length), bytes),
                    () -> readInto(data, start(receive, length), start(receive + 1, length), bytes));
        }
        finish(data, length, b.dtype(), false);
    }

    private void writeHeader(int bucket, long length) throws IOException {
        toNext.writeInt(bucket);
        toNext.writeLong(length);
    }

    /** Reads the previous rank's header and checks that it reduces the same bucket of the same length. */
    private void readHeader(int bucket, long length) throws IOException {
        int theirBucket = fromPrevious.readInt();
        long theirLength = fromPrevious.readLong();
        if (theirBucket != bucket || theirLength != length) {
            throw new IOException("rank " + Math.floorMod(rank - 1, world) + " sent bucket " + theirBucket
                    + " of " + theirLength + " elements while rank " + rank + " reduces bucket " + bucket
                    + " of " + length + "; every worker must train the same model");
        }
    }

    private interface Io {
        void run() throws IOException;
    }

    /** Sends on the sender thread while receiving on this one; returns when both are done. */
    private void exchange(Io send, Io receive) throws IOException {
        Future<Void> sent = sender.submit(() -> {
            send.run();
            toNext.flush();
            return null;
        });
        try {
            receive.run();
        } catch (IOException | RuntimeException e) {
            sent.cancel(true);
            throw e;
        }
        try {
            sent.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while sending to rank " + (rank + 1) % world, e);
        }
    }

    /** Sends elements [first, end) of data. */
    private void write(MemorySegment data, long first, long end, int bytes) throws IOException {
        long from = first * bytes;
        long to = end * bytes;
        byte[] block = new byte[BLOCK];
        for (long at = from; at < to; at += BLOCK) {
            int k = (int) Math.min(BLOCK, to - at);
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, at, block, 0, k);
            toNext.write(block, 0, k);
        }
    }

    /** Receives elements [first, end) of data. */
    private void readInto(MemorySegment data, long first, long end, int bytes) throws IOException {
        long from = first * bytes;
        long to = end * bytes;
        byte[] block = new byte[BLOCK];
        for (long at = from; at < to; at += BLOCK) {
            int k = (int) Math.min(BLOCK, to - at);
            fromPrevious.readFully(block, 0, k);
            MemorySegment.copy(block, 0, data, ValueLayout.JAVA_BYTE, at, k);
        }
    }

    /** data[first, end) = data[first, end) + received, element by element, as {@link RingAllReduce}'s link adds. */
    private void readAdding(MemorySegment data, long first, long end, DType dtype) throws IOException {
        int bytes = dtype.bytes();
        byte[] block = new byte[BLOCK];
        MemorySegment in = MemorySegment.ofArray(block);
        int perBlock = BLOCK / bytes;
        for (long i = first; i < end; i += perBlock) {
            int k = (int) Math.min(perBlock, end - i);
            fromPrevious.readFully(block, 0, k * bytes);
            if (dtype == DType.F32) {
                for (int j = 0; j < k; j++) {
                    long at = i + j;
                    data.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, at,
                            data.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, at)
                                    + in.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, j));
                }
            } else {
                for (int j = 0; j < k; j++) {
                    long at = i + j;
                    data.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, at,
                            data.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, at)
                                    + in.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, j));
                }
            }
        }
    }

    /** Room for the other rank's whole bucket of {@code length} elements (two ranks), kept from call to call. */
    private MemorySegment received(long length, DType dtype) {
        int n = Math.toIntExact(length);
        if (dtype == DType.F32) {
            theirFloats = theirFloats.length < n ? new float[n] : theirFloats;
            return MemorySegment.ofArray(theirFloats);
        }
        theirDoubles = theirDoubles.length < n ? new double[n] : theirDoubles;
        return MemorySegment.ofArray(theirDoubles);
    }

    /**
     * data = (data + the other rank's, as {@link #received}) / world when {@code added}, else data / world; element
     * by element in the bucket's dtype, through heap arrays, whose plain loops the JIT compiles to vector
     * instructions (the same IEEE additions and divisions, so the same bits).
     */
    private void finish(MemorySegment data, long length, DType dtype, boolean added) {
        int n = Math.toIntExact(length);
        if (dtype == DType.F32) {
            float[] mine = myFloats = myFloats.length < n ? new float[n] : myFloats;
            float[] theirs = theirFloats;
            MemorySegment.copy(data, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, mine, 0, n);
            float w = world;
            if (added) {
                for (int i = 0; i < n; i++) {
                    mine[i] = (mine[i] + theirs[i]) / w;
                }
            } else {
                for (int i = 0; i < n; i++) {
                    mine[i] = mine[i] / w;
                }
            }
            MemorySegment.copy(mine, 0, data, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, n);
        } else {
            double[] mine = myDoubles = myDoubles.length < n ? new double[n] : myDoubles;
            double[] theirs = theirDoubles;
            MemorySegment.copy(data, ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, mine, 0, n);
            double w = world;
            if (added) {
                for (int i = 0; i < n; i++) {
                    mine[i] = (mine[i] + theirs[i]) / w;
                }
            } else {
                for (int i = 0; i < n; i++) {
                    mine[i] = mine[i] / w;
                }
            }
            MemorySegment.copy(mine, 0, data, ValueLayout.JAVA_DOUBLE_UNALIGNED, 0, n);
        }
    }

    /** First element of chunk {@code c} of the ring's {@code world} chunks over {@code length}, as in RingAllReduce. */
    private long start(int c, long length) {
        return c * length / world;
    }

    /** Closes both connections and stops the sender thread. */
    @Override
    public void close() throws IOException {
        sender.shutdownNow();
        try (Socket a = next; Socket b = previous) {
            // closing both, even if one fails
        }
    }
}
