package striate.cuda;

/**
 * Switches of one CUDA backend, read from system properties when the provider creates it:
 * {@code -Dstriate.cuda.tf32=true} lets cuBLAS and cuDNN use TF32 tensor cores for float32 (faster, about 10
 * mantissa bits; off by default); {@code -Dstriate.cuda.deterministic=true} picks deterministic cuDNN
 * algorithms only, so a run repeats bit for bit; {@code -Dstriate.cuda.syncLaunches=true} waits after every
 * kernel so an error names the kernel that failed (slow; for debugging); {@code -Dstriate.cuda.lowPrecisionProducts=false}
 * widens bfloat16/float16 matmuls and convolutions to float32 like every other op instead of running them in the
 * 2-byte type on cuBLAS and cuDNN (on by default; off tells a problem of those calls from the rest of mixed
 * precision).
 */
public record CudaOptions(boolean tf32, boolean deterministic, boolean syncLaunches, boolean lowPrecisionProducts) {
    public static CudaOptions defaults() {
        return new CudaOptions(false, false, false, true);
    }

    public static CudaOptions fromSystemProperties() {
        return new CudaOptions(Boolean.getBoolean("striate.cuda.tf32"), Boolean.getBoolean("striate.cuda.deterministic"),
                Boolean.getBoolean("striate.cuda.syncLaunches"),
                Boolean.parseBoolean(System.getProperty("striate.cuda.lowPrecisionProducts", "true")));
    }
}
