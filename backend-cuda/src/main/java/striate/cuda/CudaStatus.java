package striate.cuda;

import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import jcuda.jcublas.cublasStatus;
import jcuda.jcudnn.JCudnn;

/**
 * Turns the status codes of driver, cuBLAS and cuDNN calls into {@link CudaCallException}s that name the call.
 * JCuda's own exceptions stay off: cuDNN 9's codes are not the ones JCudnn 11.7's names know, so its messages come
 * from {@code cudnnGetErrorString}.
 */
final class CudaStatus {
    private CudaStatus() {
    }

    static void driver(int status, String call) {
        if (status != CUresult.CUDA_SUCCESS) {
            throw new CudaCallException(call + " failed: " + driverText(status));
        }
    }

    static String driverText(int status) {
        String[] text = new String[1];
        JCudaDriver.cuGetErrorString(status, text);
        return CUresult.stringFor(status) + " (" + status + (text[0] == null ? "" : ": " + text[0]) + ")";
    }

    static void cublas(int status, String call) {
        if (status != cublasStatus.CUBLAS_STATUS_SUCCESS) {
            throw new CudaCallException(call + " failed: " + cublasStatus.stringFor(status) + " (" + status + ")");
        }
    }

    static void cudnn(int status, String call) {
        if (status != 0) {
            throw new CudaCallException(call + " failed: " + JCudnn.cudnnGetErrorString(status) + " (" + status + ")");
        }
    }
}
