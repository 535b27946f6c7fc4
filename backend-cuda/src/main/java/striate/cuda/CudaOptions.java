package striate.cuda;

/**
 * Switches of one CUDA backend, read from system properties when the provider creates it:
 * {@code -Dstriate.cuda.tf32=true} lets cuBLAS and cuDNN use TF32 tensor cores for float32 (faster, about 10
 * mantissa bits; off by default); {@code -Dstriate.cuda.deterministic=true} picks deterministic cuDNN
 * algorithms only, so a run repeats bit for bit; {@code -Dstriate.cuda.syncLaunches=true} waits after every
 * kernel so an error names the kernel that failed (slow; for debugging); {@code -Dstriate.cuda.lowPrecisionProducts=false}
 * widens bfloat16/float16 matmuls and convolutions to float32 like every other op instead of running them in the
 * 2-byte type on cuBLAS and cuDNN (on by default; off tells a problem of those calls from the rest of mixed
 * precision); {@code -Dstriate.cuda.cudnnApi=legacy|graph} picks cuDNN's interface for convolutions
 * ({@link CudnnApi}; legacy by default).
 */
public record CudaOptions(boolean tf32, boolean deterministic, boolean syncLaunches, boolean lowPrecisionProducts,
        CudnnApi cudnnApi) {
    public CudaOptions {
        if (cudnnApi == null) {
            throw new IllegalArgumentException("cudnnApi must be given (CudnnApi.LEGACY or GRAPH)");
        }
    }

    public static CudaOptions defaults() {
        return new CudaOptions(false, false, false, true, CudnnApi.LEGACY);
    }

    public static CudaOptions fromSystemProperties() {
        return new CudaOptions(Boolean.getBoolean("striate.cuda.tf32"), Boolean.getBoolean("striate.cuda.deterministic"),
                Boolean.getBoolean("striate.cuda.syncLaunches"),
                Boolean.parseBoolean(System.getProperty("striate.cuda.lowPrecisionProducts", "true")),
                CudnnApi.parse(System.getProperty("striate.cuda.cudnnApi", "legacy")));
    }

    /** These options with convolutions planned through {@code api}. */
    public CudaOptions withCudnnApi(CudnnApi api) {
        return new CudaOptions(tf32, deterministic, syncLaunches, lowPrecisionProducts, api);
    }
}
