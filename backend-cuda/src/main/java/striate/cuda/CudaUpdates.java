package striate.cuda;

import static striate.cuda.CudaBackend.contiguous;
import static striate.cuda.CudaBackend.of;

import striate.op.AdamUpdateOp;
import striate.op.SgdUpdateOp;
import striate.tensor.Tensor;

/**
 * The fused SGD and Adam steps in place (kernels/src/main/cuda/optim.cu): one pass over parameter, gradient and
 * state. Parameter and state must be contiguous (optimizers create them so); a strided gradient is copied first. A
 * guarded update passes its flag's address (else null); the kernel reads it and returns when it is not 0.
 */
final class CudaUpdates {
    private CudaUpdates() {
    }

    static void sgd(SgdUpdateOp op, Tensor[] in, Tensor unused) {
        Tensor p = inPlace(op.name(), in[0]);
        Tensor v = inPlace(op.name(), in[2]);
        Tensor g = gradient(op.name(), in[1]);
        LaunchArgs args = new LaunchArgs().i64(p.size()).ptr(p).ptr(g).ptr(v).f64(op.lr())
                .f64(op.momentum()).f64(op.dampening()).i32(op.nesterov() ? 1 : 0).f64(op.weightDecay());
        guard(args, op.guarded(), in);
        of(p).gpu().launch(Symbols.SGD, p.size(), args);
    }

    static void adam(AdamUpdateOp op, Tensor[] in, Tensor unused) {
        Tensor p = inPlace(op.name(), in[0]);
        Tensor m = inPlace(op.name(), in[2]);
        Tensor v = inPlace(op.name(), in[3]);
        Tensor g = gradient(op.name(), in[1]);
        Tensor step = inPlace(op.name(), in[4]); // the count, read by the kernel (a replayed graph advances it)
        LaunchArgs args = new LaunchArgs().i64(p.size()).ptr(p).ptr(g).ptr(m).ptr(v)
                .f64(op.lr()).f64(op.beta1()).f64(op.beta2()).f64(op.eps()).f64(op.weightDecay())
                .i32(op.decoupled() ? 1 : 0).ptr(step);
        guard(args, op.guarded(), in);
        of(p).gpu().launch(Symbols.ADAM, p.size(), args);
    }

    /**
     * The skip flag's address, the last input of a guarded update, or null (the kernel then always updates). The
     * arguments hold each tensor until the launch has queued: the flag may be a copy made for this call alone.
     */
    private static void guard(LaunchArgs args, boolean guarded, Tensor[] in) {
        if (guarded) {
            args.ptr(inPlace("guarded update", in[in.length - 1]));
        } else {
            args.nullPointer();
        }
    }

    /** The gradient as float32 and contiguous (a copy when it is a strided view). */
    private static Tensor gradient(String op, Tensor g) {
        CudaElementwise.requireF32(op, g);
        return contiguous(g);
    }

    private static Tensor inPlace(String op, Tensor t) {
        CudaElementwise.requireF32(op, t);
        if (!t.isContiguous()) {
            throw new IllegalArgumentException(op + " on cuda updates contiguous tensors in place; got a strided view of "
                    + t.shape());
        }
        return t;
    }
}
