package striate.cuda;

/** A CUDA driver, cuBLAS or cuDNN call failed: names the call, the status and its text. */
public class CudaCallException extends RuntimeException {
    public CudaCallException(String message) {
        super(message);
    }
}
