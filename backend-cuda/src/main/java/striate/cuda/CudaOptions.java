package striate.cuda;

/**
 * Switches of one CUDA backend, read from system properties when the provider creates it:
 * {@code -Dstriate.cuda.tf32=true} lets cuBLAS and cuDNN use TF32 tensor cores for float32 (faster, about 10
 * mantissa bits; off by default); {@code -Dstriate.cuda.deterministic=true} picks deterministic cuDNN
 * algorithms only, so a run repeats bit for bit; {@code -Dstriate.cuda.syncLaunches=true} waits after every
 * kernel so an error names the kernel that failed (slow; for debugging).
 */
public record CudaOptions(boolean tf32, boolean deterministic, boolean syncLaunches) {
    public static CudaOptions defaults() {
        return new CudaOptions(false, false, false);
    }

    public static CudaOptions fromSystemProperties() {
        return new CudaOptions(Boolean.getBoolean("striate.cuda.tf32"), Boolean.getBoolean("striate.cuda.deterministic"),
                Boolean.getBoolean("striate.cuda.syncLaunches"));
    }
}
