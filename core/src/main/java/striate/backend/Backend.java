package striate.backend;

import striate.op.InPlaceOp;
import striate.op.Kernel;
import striate.op.KernelTable;
import striate.op.Op;
import striate.op.ViewOp;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.DeviceMismatchException;
import striate.tensor.HostStorage;
import striate.tensor.MemoryStats;
import striate.tensor.Shape;
import striate.tensor.Storage;
import striate.tensor.Tensor;

/**
 * A backend computes on one device: it allocates that device's memory, moves data to and from the host,
 * and holds one kernel per op. {@link #execute} is the one dispatch path: it checks arity, devices, shapes
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
     * Host memory with undefined contents to fill and hand to {@link #upload}. Host backends give their own memory
     * (so the upload is free and the scope rules of {@link #allocate} apply); device backends a host buffer.
     */
    default HostStorage staging(DType dtype, long elements) {
        return HostStorage.allocateUninitialized(dtype, elements);
    }

    /** Storage on this device holding a copy of (or, for host backends, exactly) {@code host}. */
    Storage upload(HostStorage host);

    /** Host memory holding a copy of (or, for host backends, exactly) {@code storage}. */
    HostStorage download(Storage storage);

    /**
     * Overwrites elements [offset, offset + src.elements()) of {@code dst}, this backend's storage, with the values
     * of {@code src} (same dtype): how values reach a device tensor in place (checkpoints, running statistics).
     * Host backends copy memory; device backends copy host to device.
     */
    void write(Storage dst, long offset, HostStorage src);

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
        if (KernelTrace.on()) {
            KernelTrace.run(this, op, entry, inputs, output);
        } else {
            @SuppressWarnings("unchecked")
            Kernel<Op> kernel = (Kernel<Op>) entry.kernel();
            kernel.run(op, inputs, output);
        }
        return output;
    }
}
