package striate.cuda;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link CudaProbe} found: the NVIDIA driver and its GPUs, cuBLAS, cuDNN and JCuda's natives. {@link #reason()}
 * is null when the CUDA backend can run, else one sentence naming what is missing and what to install;
 * {@link #lines()} is the report {@code striate doctor} prints.
 */
public record CudaReport(String platform, Library driver, int driverVersion, String driverError, List<Gpu> gpus,
                         Library cublas, Library cudnn, String jcudaError) {

    /** One GPU: ordinal, name, memory in bytes and compute capability. */
    public record Gpu(int index, String name, long memoryBytes, int major, int minor) {
        @Override
        public String toString() {
            return "cuda:" + index + " " + name + ", " + String.format("%.1f GiB", memoryBytes / (double) (1L << 30))
                    + ", compute capability " + major + "." + minor;
        }
    }

    /** A shared library looked up by soname: where it was found (null when missing) and its version. */
    public record Library(String soname, String path, String version, String fix) {
        public boolean found() {
            return path != null;
        }

        @Override
        public String toString() {
            return found() ? soname + " at " + path + (version == null ? "" : ", version " + version)
                    : soname + " not found";
        }
    }

    public CudaReport {
        gpus = List.copyOf(gpus);
    }

    /** True on the only platform whose JCuda natives the backend carries. */
    public boolean supportedPlatform() {
        return platform.equals("linux/amd64") || platform.equals("linux/x86_64");
    }

    /** Null when CUDA can run here; otherwise what is missing and how to fix it, in one sentence. */
    public String reason() {
        if (!supportedPlatform()) {
            return "the CUDA backend carries JCuda natives for linux x86_64 only, this is " + platform;
        }
        if (!driver.found()) {
            return driver.fix();
        }
        if (driverError != null) {
            return "the NVIDIA driver did not start (" + driverError + "): check that nvidia-smi lists a GPU";
        }
        if (gpus.isEmpty()) {
            return "the NVIDIA driver sees no GPU: check that nvidia-smi lists one";
        }
        if (!cublas.found()) {
            return cublas.fix();
        }
        if (!cudnn.found()) {
            return cudnn.fix();
        }
        if (jcudaError != null) {
            return "JCuda's native libraries did not load (" + jcudaError + ")";
        }
        return null;
    }

    /** The report for {@code striate doctor}: one finding per line. */
    public List<String> lines() {
        List<String> out = new ArrayList<>();
        out.add("driver: " + driver + (driverVersion > 0 ? ", CUDA driver API " + driverVersion / 1000 + "."
                + driverVersion % 1000 / 10 : ""));
        if (driverError != null) {
            out.add("driver error: " + driverError);
        }
        if (driver.found() && driverError == null) {
            out.add("GPUs: " + (gpus.isEmpty() ? "none" : gpus.size()));
        }
        gpus.forEach(g -> out.add("  " + g));
        out.add("cuBLAS: " + cublas);
        out.add("cuDNN: " + cudnn);
        if (jcudaError != null) {
            out.add("JCuda: " + jcudaError);
        }
        String r = reason();
        out.add(r == null ? "CUDA: available" : "CUDA: unavailable: " + r);
        return out;
    }
}
