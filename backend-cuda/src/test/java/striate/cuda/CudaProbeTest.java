package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.util.List;
import org.junit.jupiter.api.Test;
import striate.backend.Backends;
import striate.tensor.Device;

/** The probe never throws and says in one sentence what is missing; these run on machines without a GPU. */
class CudaProbeTest {
    private static final CudaReport.Library FOUND_DRIVER = new CudaReport.Library("libcuda.so.1",
            "/usr/lib/x86_64-linux-gnu/libcuda.so.580.65", null, CudaProbe.DRIVER_FIX);
    private static final CudaReport.Library FOUND_CUBLAS = new CudaReport.Library("libcublas.so.12", "/opt/libcublas.so.12",
            "12.6.4", CudaProbe.CUBLAS_FIX);
    private static final CudaReport.Library FOUND_CUDNN = new CudaReport.Library("libcudnn.so.9", "/opt/libcudnn.so.9",
            "9.5.1", CudaProbe.CUDNN_FIX);
    private static final CudaReport.Library MISSING_CUBLAS = new CudaReport.Library("libcublas.so.12", null, null,
            CudaProbe.CUBLAS_FIX);
    private static final CudaReport.Library MISSING_CUDNN = new CudaReport.Library("libcudnn.so.9", null, null,
            CudaProbe.CUDNN_FIX);
    private static final List<CudaReport.Gpu> H100 = List.of(new CudaReport.Gpu(0, "NVIDIA H100 80GB HBM3",
            85_029_158_912L, 9, 0));

    @Test
    void probingAMachineWithoutADriverGivesAReasonNotAnError() {
        CudaReport r = CudaProbe.probe();
        assumeFalse(r.driver().found(), "this machine has an NVIDIA driver");
        assertTrue(r.reason().contains("libcuda.so.1") && r.reason().contains("install the NVIDIA driver"), r.reason());
        assertTrue(r.lines().contains("driver: libcuda.so.1 not found"), r.lines().toString());
        assertTrue(r.lines().getLast().startsWith("CUDA: unavailable: no NVIDIA driver found"), r.lines().toString());
        assertEquals(r.reason(), CudaProbe.unavailableReason());
    }

    @Test
    void theProviderReportsTheProbesReasonAndRefusesWithoutLinkErrors() {
        assumeFalse(CudaProbe.available(), "CUDA is available here");
        String line = Backends.diagnostics().stream().filter(l -> l.startsWith("cuda:")).findFirst().orElseThrow();
        assertEquals("cuda: unavailable: " + CudaProbe.unavailableReason(), line);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.of(Device.cuda(0)));
        assertTrue(e.getMessage().contains("cuda:0 is unavailable: " + CudaProbe.unavailableReason()), e.getMessage());
    }

    @Test
    void everyMissingPieceHasItsOwnSentence() {
        String platform = "linux/amd64";
        assertNull(new CudaReport(platform, FOUND_DRIVER, 13000, null, H100, FOUND_CUBLAS, FOUND_CUDNN, null).reason());
        assertTrue(new CudaReport("mac os x/aarch64", FOUND_DRIVER, 0, null, H100, FOUND_CUBLAS, FOUND_CUDNN, null)
                .reason().contains("linux x86_64 only"));
        assertTrue(new CudaReport(platform, FOUND_DRIVER, 13000, "cuInit returned 100 (no CUDA-capable device is"
                + " detected)", List.of(), MISSING_CUBLAS, MISSING_CUDNN, null).reason().contains("did not start"));
        assertTrue(new CudaReport(platform, FOUND_DRIVER, 13000, null, List.of(), FOUND_CUBLAS, FOUND_CUDNN, null)
                .reason().contains("sees no GPU"));
        assertEquals(CudaProbe.CUBLAS_FIX, new CudaReport(platform, FOUND_DRIVER, 13000, null, H100, MISSING_CUBLAS,
                FOUND_CUDNN, null).reason());
        assertEquals(CudaProbe.CUDNN_FIX, new CudaReport(platform, FOUND_DRIVER, 13000, null, H100, FOUND_CUBLAS,
                MISSING_CUDNN, null).reason());
        assertTrue(new CudaReport(platform, FOUND_DRIVER, 13000, null, H100, FOUND_CUBLAS, FOUND_CUDNN,
                "UnsatisfiedLinkError: libJCudaDriver").reason().startsWith("JCuda's native libraries did not load"));
    }

    @Test
    void aWorkingMachinesReportListsDriverGpusAndLibraries() {
        List<String> lines = new CudaReport("linux/amd64", FOUND_DRIVER, 13000, null, H100, FOUND_CUBLAS, FOUND_CUDNN,
                null).lines();
        assertEquals(List.of(
                "driver: libcuda.so.1 at /usr/lib/x86_64-linux-gnu/libcuda.so.580.65, CUDA driver API 13.0",
                "GPUs: 1",
                "  cuda:0 NVIDIA H100 80GB HBM3, 79.2 GiB, compute capability 9.0",
                "cuBLAS: libcublas.so.12 at /opt/libcublas.so.12, version 12.6.4",
                "cuDNN: libcudnn.so.9 at /opt/libcudnn.so.9, version 9.5.1",
                "CUDA: available"), lines);
    }

    @Test
    void onlyCublas13GetsAHintAboutTheForwardingLibrary() {
        assertTrue(CudaProbe.CUBLAS_13_FIX.contains("libcublas.so.13") && CudaProbe.CUBLAS_13_FIX.contains("forwarding"));
    }
}
