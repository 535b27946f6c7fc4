package striate.cuda;

/** A kernel failed to launch or to run: names the kernel (the PTX symbol) and the driver's error. */
public final class CudaKernelException extends CudaCallException {
    private final String kernel;

    public CudaKernelException(String kernel, String message) {
        super("kernel " + kernel + ": " + message);
        this.kernel = kernel;
    }

    /** The PTX symbol, e.g. {@code relu_forward_f32}. */
    public String kernel() {
        return kernel;
    }
}
