package striate.cuda;

import jcuda.NativePointerObject;
import jcuda.Pointer;

/**
 * The raw values behind JCuda's handles, for libraries bound through Java's foreign function interface (NCCL): a
 * device pointer's address (its native pointer plus its byte offset, as JCuda passes it to CUDA) and a stream's
 * handle. JCuda keeps both in protected fields; these subclasses copy them through JCuda's own copy constructors.
 */
final class NativeAddress {
    private NativeAddress() {
    }

    /** The device address {@code p} stands for: what a CUDA call given {@code p} receives. */
    static long of(Pointer p) {
        return new PointerCopy(p).address();
    }

    /** The native handle of {@code handle} (a CUstream: the cudaStream_t a library call takes). */
    static long handle(NativePointerObject handle) {
        return new HandleCopy(handle).address();
    }

    private static final class PointerCopy extends Pointer {
        PointerCopy(Pointer p) {
            super(p);
        }

        long address() {
            return getNativePointer() + getByteOffset();
        }
    }

    private static final class HandleCopy extends NativePointerObject {
        HandleCopy(NativePointerObject handle) {
            super(handle);
        }

        long address() {
            return getNativePointer();
        }
    }
}
