package striate.cuda;

import java.util.ArrayList;
import java.util.List;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import striate.tensor.Tensor;

/**
 * The parameters of one kernel launch, in the order of the kernel's signature: each is a host pointer to the
 * value (what cuLaunchKernel expects). Structs ({@link Layout}, the pooling window) go as packed arrays.
 */
final class LaunchArgs {
    private final List<NativePointerObject> values = new ArrayList<>();
    private final List<Tensor> held = new ArrayList<>();

    LaunchArgs i32(int v) {
        values.add(Pointer.to(new int[] {v}));
        return this;
    }

    LaunchArgs i64(long v) {
        values.add(Pointer.to(new long[] {v}));
        return this;
    }

    LaunchArgs f64(double v) {
        values.add(Pointer.to(new double[] {v}));
        return this;
    }

    /** A device pointer. */
    LaunchArgs ptr(Pointer p) {
        values.add(Pointer.to(p));
        return this;
    }

    /** A null device pointer (an optional argument the kernel checks for). */
    LaunchArgs nullPointer() {
        values.add(Pointer.to(new long[] {0}));
        return this;
    }

    /**
     * The address of {@code t}'s first element, {@code t} held by these arguments until the launch has queued: a
     * temporary (a dense copy of a strided input) whose only other reference is gone could otherwise be collected,
     * and its block handed to another allocation, between taking its address and the launch.
     */
    LaunchArgs ptr(Tensor t) {
        return hold(t).ptr(CudaBackend.pointer(t));
    }

    /** Holds {@code t} until the launch has queued, for arguments that pass its address in another form. */
    LaunchArgs hold(Tensor t) {
        held.add(t);
        return this;
    }

    /** A struct of 64-bit fields, e.g. {@link Layout#packed()}. */
    LaunchArgs struct(long[] fields) {
        values.add(Pointer.to(fields.clone()));
        return this;
    }

    /** A struct of 32-bit fields. */
    LaunchArgs struct(int[] fields) {
        values.add(Pointer.to(fields.clone()));
        return this;
    }

    Pointer pointer() {
        return Pointer.to(values.toArray(new NativePointerObject[0]));
    }
}
