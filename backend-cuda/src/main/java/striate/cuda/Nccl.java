package striate.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * NCCL 2 through Java's foreign function interface: the fourteen functions data parallel needs, bound to the
 * machine's {@code libnccl.so.2} (no Java dependency; NCCL's C API has been stable across 2.x). Communicators are
 * {@code ncclComm_t} addresses; buffers and streams are raw device addresses and {@code cudaStream_t} handles (see
 * {@link NativeAddress}). Every call's status is checked: a failure throws a {@link CudaCallException} naming the
 * call and NCCL's error text. See https://docs.nvidia.com/deeplearning/nccl/user-guide/docs/api.html
 *
 * <p>Which library: the file named by {@value #LIBRARY_VARIABLE} when that is set, else {@value #LIBRARY} from the
 * system's library search path (LD_LIBRARY_PATH, the ldconfig cache).
 */
public final class Nccl {
    /** NCCL's shared library, found on the library search path. */
    public static final String LIBRARY = "libnccl.so.2";
    /** An environment variable naming the NCCL library file explicitly. */
    public static final String LIBRARY_VARIABLE = "STRIATE_NCCL_LIBRARY";
    static final int FLOAT32 = 7; // ncclFloat32
    static final int FLOAT64 = 8; // ncclFloat64 (9 is ncclBfloat16)
    static final int SUM = 0; // ncclSum
    static final int AVG = 4; // ncclAvg (NCCL 2.10 and later): the sum divided by the number of ranks
    /** The size of an ncclUniqueId. */
    public static final int UNIQUE_ID_BYTES = 128;
    private static final int SUCCESS = 0;
    private static final StructLayout UNIQUE_ID = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(UNIQUE_ID_BYTES, JAVA_BYTE).withName("internal")).withName("ncclUniqueId");

    private final String source; // the file or library name it was loaded from
    private final MethodHandle getVersion;
    private final MethodHandle getUniqueId;
    private final MethodHandle commInitRank;
    private final MethodHandle commInitAll;
    private final MethodHandle allReduce;
    private final MethodHandle groupStart;
    private final MethodHandle groupEnd;
    private final MethodHandle commDestroy;
    private final MethodHandle commAbort;
    private final MethodHandle getErrorString;
    private final MethodHandle commGetAsyncError;
    private final MethodHandle commCount;
    private final MethodHandle commCuDevice;
    private final MethodHandle commUserRank;

    private Nccl(SymbolLookup lib, String source) {
        this.source = source;
        getVersion = function(lib, "ncclGetVersion", JAVA_INT, ADDRESS);
        getUniqueId = function(lib, "ncclGetUniqueId", JAVA_INT, ADDRESS);
        commInitRank = function(lib, "ncclCommInitRank", JAVA_INT, ADDRESS, JAVA_INT, UNIQUE_ID, JAVA_INT);
        commInitAll = function(lib, "ncclCommInitAll", JAVA_INT, ADDRESS, JAVA_INT, ADDRESS);
        allReduce = function(lib, "ncclAllReduce", JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS,
                ADDRESS);
        groupStart = function(lib, "ncclGroupStart", JAVA_INT);
        groupEnd = function(lib, "ncclGroupEnd", JAVA_INT);
        commDestroy = function(lib, "ncclCommDestroy", JAVA_INT, ADDRESS);
        commAbort = function(lib, "ncclCommAbort", JAVA_INT, ADDRESS);
        getErrorString = function(lib, "ncclGetErrorString", ADDRESS, JAVA_INT);
        commGetAsyncError = function(lib, "ncclCommGetAsyncError", JAVA_INT, ADDRESS, ADDRESS);
        commCount = function(lib, "ncclCommCount", JAVA_INT, ADDRESS, ADDRESS);
        commCuDevice = function(lib, "ncclCommCuDevice", JAVA_INT, ADDRESS, ADDRESS);
        commUserRank = function(lib, "ncclCommUserRank", JAVA_INT, ADDRESS, ADDRESS);
    }

    /** NCCL from {@value #LIBRARY_VARIABLE} when set, else {@value #LIBRARY} from the library search path. */
    public static Nccl load() {
        String explicit = System.getenv(LIBRARY_VARIABLE);
        return explicit != null && !explicit.isBlank() ? fromFile(Path.of(explicit)) : fromSearchPath(LIBRARY);
    }

    /** NCCL from the library file {@code file}. */
    static Nccl fromFile(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new NcclUnavailableException("the NCCL library " + file + " (from " + LIBRARY_VARIABLE + ") does not"
                    + " exist; set " + LIBRARY_VARIABLE + " to the path of " + LIBRARY + " or unset it");
        }
        try {
            return new Nccl(SymbolLookup.libraryLookup(file, Arena.global()), file.toString());
        } catch (IllegalArgumentException e) {
            throw new NcclUnavailableException("the NCCL library " + file + " could not be loaded (" + e.getMessage()
                    + "); set " + LIBRARY_VARIABLE + " to a " + LIBRARY + " built for this machine");
        }
    }

    /** NCCL from the library {@code name} on the system's library search path. */
    static Nccl fromSearchPath(String name) {
        try {
            return new Nccl(SymbolLookup.libraryLookup(name, Arena.global()), name);
        } catch (IllegalArgumentException e) {
            throw new NcclUnavailableException(name + " not found on the library search path (LD_LIBRARY_PATH, "
                    + "ldconfig): install NCCL 2 (PyTorch's CUDA wheels carry it in nvidia/nccl/lib) or set "
                    + LIBRARY_VARIABLE + " to its path");
        }
    }

    private MethodHandle function(SymbolLookup lib, String name, MemoryLayout result, MemoryLayout... args) {
        MemorySegment symbol = lib.find(name).orElseThrow(() -> new NcclUnavailableException(source + " has no "
                + "function " + name + ", so it is not NCCL 2; set " + LIBRARY_VARIABLE + " to the path of "
                + LIBRARY));
        return Linker.nativeLinker().downcallHandle(symbol, FunctionDescriptor.of(result, args));
    }

    /** Where this NCCL came from: the file loaded (from /proc/self/maps) or, failing that, the name asked for. */
    public String source() {
        return Optional.ofNullable(CudaProbe.loadedPath("libnccl")).orElse(source);
    }

    /** ncclGetVersion: the version code, e.g. 22703 for 2.27.3. */
    public int version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            call(() -> (int) getVersion.invokeExact(v), "ncclGetVersion");
            return v.get(JAVA_INT, 0);
        }
    }

    /** A version code as major.minor.patch (codes from 2.9 on are major·10000 + minor·100 + patch, before ·1000). */
    public static String versionText(int code) {
        int major = code >= 10000 ? code / 10000 : code / 1000;
        int minor = code >= 10000 ? code % 10000 / 100 : code % 1000 / 100;
        return major + "." + minor + "." + code % 100;
    }

    /** ncclGetUniqueId: the 128-byte id that rank 0 makes and every rank passes to {@link #commInitRank}. */
    public MemorySegment uniqueId(Arena arena) {
        MemorySegment id = arena.allocate(UNIQUE_ID);
        call(() -> (int) getUniqueId.invokeExact(id), "ncclGetUniqueId");
        return id;
    }

    /** A unique id made elsewhere (another process's {@link #uniqueId}, as bytes), to pass to {@link #commInitRank}. */
    public MemorySegment uniqueId(Arena arena, byte[] id) {
        if (id.length != UNIQUE_ID_BYTES) {
            throw new IllegalArgumentException("an NCCL unique id has " + UNIQUE_ID_BYTES + " bytes, got " + id.length);
        }
        MemorySegment segment = arena.allocate(UNIQUE_ID);
        MemorySegment.copy(id, 0, segment, JAVA_BYTE, 0, id.length);
        return segment;
    }

    /** ncclCommInitRank: rank {@code rank} of {@code ranks} joins the communicator {@code id} on the current GPU. */
    public MemorySegment commInitRank(int ranks, MemorySegment id, int rank) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment comm = arena.allocate(ADDRESS);
            call(() -> (int) commInitRank.invokeExact(comm, ranks, id, rank), "ncclCommInitRank(rank " + rank + " of "
                    + ranks + ")");
            return comm.get(ADDRESS, 0);
        }
    }

    /** ncclCommInitAll: one communicator per GPU in {@code devices}, rank r on devices[r], in this process. */
    public MemorySegment[] commInitAll(int[] devices) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment comms = arena.allocate(ADDRESS, devices.length);
            MemorySegment list = arena.allocateFrom(JAVA_INT, devices);
            call(() -> (int) commInitAll.invokeExact(comms, devices.length, list), "ncclCommInitAll("
                    + Arrays.toString(devices) + ")");
            MemorySegment[] out = new MemorySegment[devices.length];
            for (int r = 0; r < devices.length; r++) {
                out[r] = comms.getAtIndex(ADDRESS, r);
            }
            return out;
        }
    }

    /**
     * ncclAllReduce, queued on {@code stream}: {@code count} elements of {@code dtype} ({@link #FLOAT32},
     * {@link #FLOAT64}) at device address {@code send}, combined by {@code op} ({@link #SUM}, {@link #AVG}) over the
     * communicator's ranks, into {@code recv} (may equal {@code send}).
     */
    public void allReduce(long send, long recv, long count, int dtype, int op, MemorySegment comm, long stream) {
        call(() -> (int) allReduce.invokeExact(MemorySegment.ofAddress(send), MemorySegment.ofAddress(recv), count,
                dtype, op, comm, MemorySegment.ofAddress(stream)), "ncclAllReduce(" + count + " elements)");
    }

    /** ncclGroupStart: the collectives until {@link #groupEnd} are launched together (one thread, many GPUs). */
    public void groupStart() {
        call(() -> (int) groupStart.invokeExact(), "ncclGroupStart");
    }

    /** ncclGroupEnd: launches the group's collectives on their streams. */
    public void groupEnd() {
        call(() -> (int) groupEnd.invokeExact(), "ncclGroupEnd");
    }

    /** ncclCommDestroy: frees the communicator once its queued work is done. */
    public void commDestroy(MemorySegment comm) {
        call(() -> (int) commDestroy.invokeExact(comm), "ncclCommDestroy");
    }

    /**
     * ncclCommAbort: frees the communicator without waiting for its queued work, which stops (NCCL's kernels see the
     * abort and return, with partial results); callable from another thread while a call on it blocks.
     */
    public void commAbort(MemorySegment comm) {
        call(() -> (int) commAbort.invokeExact(comm), "ncclCommAbort");
    }

    /** ncclCommGetAsyncError: 0 when the communicator's background work has not failed, else NCCL's error code. */
    public int asyncError(MemorySegment comm) {
        return intOut(commGetAsyncError, comm, "ncclCommGetAsyncError");
    }

    /** ncclCommCount: the number of ranks. */
    public int count(MemorySegment comm) {
        return intOut(commCount, comm, "ncclCommCount");
    }

    /** ncclCommCuDevice: the GPU ordinal the communicator runs on. */
    public int cudaDevice(MemorySegment comm) {
        return intOut(commCuDevice, comm, "ncclCommCuDevice");
    }

    /** ncclCommUserRank: this communicator's rank. */
    public int rank(MemorySegment comm) {
        return intOut(commUserRank, comm, "ncclCommUserRank");
    }

    /** ncclGetErrorString: NCCL's text for an error code. */
    public String errorText(int code) {
        try {
            MemorySegment text = (MemorySegment) getErrorString.invokeExact(code);
            return text.equals(MemorySegment.NULL) ? "unknown error" : text.reinterpret(4096).getString(0);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private int intOut(MethodHandle h, MemorySegment comm, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            call(() -> (int) h.invokeExact(comm, v), name);
            return v.get(JAVA_INT, 0);
        }
    }

    /** A downcall returning an ncclResult_t. */
    @FunctionalInterface
    private interface Call {
        int run() throws Throwable;
    }

    private void call(Call c, String name) {
        int status;
        try {
            status = c.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(name + " could not be called: " + t, t);
        }
        check(status, name);
    }

    private void check(int status, String name) {
        if (status != SUCCESS) {
            throw new CudaCallException(name + " failed: NCCL error " + status + " (" + errorText(status) + ")");
        }
    }
}
