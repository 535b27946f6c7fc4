package striate.backend;

import striate.op.InPlaceOp;
import striate.op.Kernel;
import striate.op.KernelTable;
import striate.op.Op;
import striate.op.ViewOp;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.DeviceMismatchException;
import striate.tensor.MemoryStats;
import striate.tensor.Shape;
import striate.tensor.Storage;
import striate.tensor.Tensor;

/**
 * A backend computes on one device: it allocates that device's memory, copies views between devices and to
 * and from the host with its one copy primitive ({@link #copy}, counted in {@link #traffic}), and holds one
 * kernel per op. {@link #execute} is the one dispatch path: it checks arity, devices, shapes
 * and types, allocates the output (uninitialized: kernels write every element) and runs the kernel; a missing
 * kernel is an error naming op and backend.
 */
public interface Backend {
    /** The device this backend instance computes on. */
    Device device();

    /** A short name for messages and diagnostics ("reference", "cpu", "cuda"). */
    String name();

    /** The kernels, one entry per op class: this backend's own, or a reference kernel it declares. */
    KernelTable kernels();

    /**
     * Zeroed memory for {@code elements} values of {@code dtype}. Inside a {@link striate.tensor.MemoryScope} it
     * belongs to the scope and is reused after the scope closes; outside any scope it is freed when no tensor
     * refers to it.
     */
    Storage allocate(DType dtype, long elements);

    /**
     * Memory for an op's output, which its kernel overwrites completely: content undefined, so a backend may
     * skip zeroing. Defaults to {@link #allocate}.
     */
    default Storage allocateOutput(DType dtype, long elements) {
        return allocate(dtype, elements);
    }

    /**
     * The one copy primitive: overwrites {@code dst}'s elements with {@code src}'s, byte for byte. Both are views
     * (shape, strides, offset) of one shape and dtype; only the view's elements move (a slice of a large buffer
     * moves the slice, not the buffer), and {@code dst} must not be a broadcast view. The two sides are this
     * backend's device, or two devices of its kind (cpu:0 → cpu:1, cuda:0 → cuda:1), or one of them is host memory
     * to this backend (a host device when this backend's memory is not host memory, as for CUDA; the reference
     * device for the CPU backend). Nothing passes through {@code double}. Which backend runs a copy is
     * {@link #copier}'s choice; {@link Tensor#copyFrom(Tensor)} is how callers reach it. The copy is complete for
     * any later work of either device (a device backend orders it on its stream) and for the host when it returns.
     * Each copy's bytes go to this backend's {@link #traffic}.
     */
    void copy(Tensor src, Tensor dst);

    /** The bytes this backend's copies have moved since it was created, by direction (see {@link Traffic}). */
    Traffic traffic();

    /**
     * The backend that runs a copy from {@code src} to {@code dst}: the destination's when both are devices of one
     * kind; across kinds, the side that is not host memory to the other (the reference device is host memory to
     * every other kind, and every host device is host memory to CUDA).
     */
    static Backend copier(Tensor src, Tensor dst) {
        Device.Kind from = src.device().kind();
        Device.Kind to = dst.device().kind();
        if (from == to || from == Device.Kind.REFERENCE) {
            return dst.backend();
        }
        if (to == Device.Kind.REFERENCE) {
            return src.backend();
        }
        return dst.device().isHost() ? src.backend() : dst.backend();
    }

    /** The counters of this backend's pooled memory. */
    MemoryStats memoryStats();

    /** Runs {@code op} on {@code inputs}; returns its output, or null for an in-place op. */
    default Tensor execute(Op op, Tensor... inputs) {
        if (op instanceof ViewOp) {
            throw new IllegalArgumentException(op.name() + " is a view; apply it with Tensor.apply");
        }
        if (inputs.length != op.arity()) {
            throw new IllegalArgumentException(op.name() + " takes " + op.arity() + " input(s), got " + inputs.length);
        }
        Shape[] shapes = new Shape[inputs.length];
        DType[] types = new DType[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            if (!inputs[i].device().equals(device())) {
                throw new DeviceMismatchException(op.name(), device(), inputs[i].device());
            }
            shapes[i] = inputs[i].shape();
            types[i] = inputs[i].dtype();
        }
        Shape shape = op.inferShape(shapes);
        DType type = op.inferType(types);
        KernelTable.Entry entry = kernels().entry(op, inputs);
        Tensor output = op instanceof InPlaceOp ? null : Tensor.output(this, shape, type);
        launch(entry, op, inputs, output);
        if (op instanceof InPlaceOp) { // an optimizer's update: the parameter and its state written in place
            for (Tensor t : inputs) {
                t.storage().changed();
            }
        }
        return output;
    }

    /**
     * Runs the kernel that {@link #execute} chose for {@code op} on checked inputs and an allocated output (traced when
     * {@link KernelTrace} is on). A host backend capturing a graph on this thread records the call instead.
     */
    default void launch(KernelTable.Entry entry, Op op, Tensor[] inputs, Tensor output) {
        if (KernelTrace.on()) {
            KernelTrace.run(this, op, entry, inputs, output);
        } else {
            @SuppressWarnings("unchecked")
            Kernel<Op> kernel = (Kernel<Op>) entry.kernel();
            kernel.run(op, inputs, output);
        }
    }

    /**
     * Captures what {@code work} does on this backend into a graph to replay ({@link CapturedGraph}); the work does not
     * run now. The CUDA backend captures a CUDA graph (one launch per replay); host backends record their kernel calls,
     * copies and zeroings. Tensors the work reads must outlive the graph, and the work may not read tensor values
     * (they are not computed yet): such a read is refused with an error. Backends that cannot capture say so.
     */
    default CapturedGraph captureGraph(Runnable work) {
        throw new UnsupportedOperationException("the " + name() + " backend cannot capture graphs");
    }

    /**
     * True while work on this backend is being captured ({@link #captureGraph}; on this thread, for a host backend):
     * whatever it asks now runs at every replay, a zeroing of new state included.
     */
    default boolean capturing() {
        return false;
    }
}
