package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUstream;
import org.junit.jupiter.api.Test;
import striate.parallel.ExchangeChoice;
import striate.parallel.PeerWatch;
import striate.parallel.ProcessGroupEngine;
import striate.tensor.Device;

/**
 * The NCCL binding and engine where no GPU is needed: every way loading can fail gives one line naming the file or
 * library and what to do; version codes print as NCCL numbers them; JCuda handles give their raw addresses; and the
 * engine, found through ServiceLoader, refuses host devices and, without a driver, says so, so data parallel takes
 * the ring with that reason. Where a real NCCL is found (on the search path or through STRIATE_NCCL_LIBRARY), the
 * calls that need no GPU run: its version, its error texts, the doctor line that names both, a unique id, and
 * (without a GPU) ncclCommInitRank's failure, which shows the id passed by value and the error path.
 */
class NcclTest {
    private static void assertOneLine(String message) {
        assertFalse(message.contains("\n"), "one line: " + message);
    }

    @Test
    void theTypeAndOperationCodesAreNcclHeaders() {
        // nccl.h: ncclFloat32 = 7, ncclFloat64 = 8 (9 is ncclBfloat16); ncclSum = 0, ncclAvg = 4
        assertEquals(7, Nccl.FLOAT32);
        assertEquals(8, Nccl.FLOAT64);
        assertEquals(0, Nccl.SUM);
        assertEquals(4, Nccl.AVG);
    }

    @Test
    void aMissingFileIsNamedWithTheVariable() {
        Path missing = Path.of("/nonexistent/striate-test/libnccl.so.2");
        NcclUnavailableException e = assertThrows(NcclUnavailableException.class, () -> Nccl.fromFile(missing));
        assertEquals("the NCCL library /nonexistent/striate-test/libnccl.so.2 (from STRIATE_NCCL_LIBRARY) does not "
                + "exist; set STRIATE_NCCL_LIBRARY to the path of libnccl.so.2 or unset it", e.getMessage());
    }

    @Test
    void aLibraryNotOnTheSearchPathSaysWhereToGetIt() {
        NcclUnavailableException e = assertThrows(NcclUnavailableException.class,
                () -> Nccl.fromSearchPath("libstriate-no-such-nccl.so.2"));
        assertTrue(e.getMessage().startsWith("libstriate-no-such-nccl.so.2 not found on the library search path"),
                e.getMessage());
        assertTrue(e.getMessage().contains("STRIATE_NCCL_LIBRARY"), e.getMessage());
        assertOneLine(e.getMessage());
    }

    @Test
    void aLibraryThatIsNotNcclIsRefusedByName() {
        Path notNccl = Path.of(System.getProperty("java.home"), "lib", "libjava.so"); // loaded by every JVM here
        NcclUnavailableException e = assertThrows(NcclUnavailableException.class, () -> Nccl.fromFile(notNccl));
        assertEquals(notNccl + " has no function ncclGetVersion, so it is not NCCL 2; set STRIATE_NCCL_LIBRARY to the"
                + " path of libnccl.so.2", e.getMessage());
    }

    @Test
    void versionCodes() {
        assertEquals("2.27.3", Nccl.versionText(22703));
        assertEquals("2.18.1", Nccl.versionText(21801));
        assertEquals("2.7.8", Nccl.versionText(2708));
    }

    @Test
    void rawAddressesOfJcudaHandles() {
        assertEquals(264, NativeAddress.of(new CUdeviceptr().withByteOffset(256).withByteOffset(8)));
        assertEquals(0, NativeAddress.of(new CUdeviceptr()));
        assertEquals(0, NativeAddress.handle(new CUstream()));
    }

    @Test
    void aRealNcclAnswersWithoutAGpu() {
        Nccl nccl;
        try {
            nccl = Nccl.load();
        } catch (NcclUnavailableException e) {
            assumeTrue(false, e.getMessage());
            return;
        }
        int version = nccl.version();
        assertTrue(version >= 20000, "NCCL 2.x numbers its versions from 20000 on: " + version);
        assertEquals("no error", nccl.errorText(0));
        assertTrue(nccl.errorText(4).startsWith("invalid argument"), nccl.errorText(4));
        String line = NcclEngine.describe();
        assertTrue(line.startsWith(Nccl.versionText(version) + " (" + nccl.source() + ")"), line);
        assertTrue(nccl.source().endsWith("libnccl.so.2"), nccl.source());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment id = nccl.uniqueId(arena);
            assertEquals(128, id.byteSize());
            assertTrue(Arrays.stream(toInts(id)).anyMatch(b -> b != 0), "ncclGetUniqueId filled the id");
            if (!CudaProbe.available()) { // the id goes by value; without a GPU NCCL answers with its CUDA error
                CudaCallException e = assertThrows(CudaCallException.class, () -> nccl.commInitRank(1, id, 0));
                assertTrue(e.getMessage().startsWith("ncclCommInitRank(rank 0 of 1) failed: NCCL error 1 (unhandled "
                        + "cuda error"), e.getMessage());
            }
        }
    }

    private static int[] toInts(MemorySegment bytes) {
        byte[] b = bytes.toArray(ValueLayout.JAVA_BYTE);
        int[] out = new int[b.length];
        Arrays.setAll(out, i -> b[i]);
        return out;
    }

    @Test
    void theEngineRefusesHostDevices() {
        assertEquals("cpu:1 is not a CUDA device",
                new NcclEngine().unavailable(List.of(Device.cuda(0), Device.parse("cpu:1"))).orElseThrow());
    }

    @Test
    void withoutCudaDataParallelOnTwoGpusTakesTheRingAndSaysWhy() {
        assumeFalse(CudaProbe.available(), "CUDA runs here: NcclGpuTest covers the engine on a GPU");
        String why = new NcclEngine().unavailable(List.of(Device.cuda(0), Device.cuda(1))).orElseThrow();
        assertTrue(why.startsWith("CUDA cannot run here: "), why);
        ExchangeChoice c = ExchangeChoice.forDevices(List.of(Device.cuda(0), Device.cuda(1)));
        assertEquals("ring", c.name());
        assertEquals("nccl unavailable: " + why, c.reason());
        assertTrue(NcclEngine.describe().contains("CUDA cannot run here") || NcclEngine.describe()
                .startsWith("unavailable: "), NcclEngine.describe());
    }

    @Test
    void theEngineServesProcessGroupsUnderItsName() {
        ProcessGroupEngine engine = ProcessGroupEngine.named("nccl").orElseThrow(
                () -> new AssertionError("META-INF/services lists NcclEngine as a ProcessGroupEngine"));
        assertTrue(engine instanceof NcclEngine, engine.getClass().getName());
        assertEquals("cpu is not a CUDA device", engine.unavailable(Device.parse("cpu")).orElseThrow());
        assertTrue(ProcessGroupEngine.named("gloo").isEmpty(), "no engine of another name");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> engine.join(Device.parse("cpu"), new byte[Nccl.UNIQUE_ID_BYTES], 2, 0,
                        PeerWatch.timeout(PeerWatch.DEFAULT_TIMEOUT)));
        assertEquals("NCCL cannot serve cpu: cpu is not a CUDA device", e.getMessage());
    }

    @Test
    void withoutCudaAProcessGroupOnAGpuSaysWhy() {
        assumeFalse(CudaProbe.available(), "CUDA runs here: NcclGpuTest joins a group on a GPU");
        ProcessGroupEngine engine = ProcessGroupEngine.named("nccl").orElseThrow();
        String why = engine.unavailable(Device.cuda(0)).orElseThrow();
        assertTrue(why.startsWith("CUDA cannot run here: "), why);
        assertOneLine(why);
    }
}
