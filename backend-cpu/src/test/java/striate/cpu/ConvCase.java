package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Collections;
import striate.backend.KernelTrace;
import striate.op.Conv2dBackwardDataOp;
import striate.op.Conv2dBackwardFilterOp;
import striate.op.Conv2dOp;
import striate.op.ConvParams;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.Tolerance;

/**
 * A convolution shape for the CPU convolution kernels' tests: x [n, c, h, w], W [k, c/groups, kh, kw] and the
 * parameters, with the three directions run on a device through the ops (so the backend picks the kernel) or on one
 * {@link CpuConv2d} with a given number of intra-op threads (see {@link Rig}).
 */
record ConvCase(String name, Shape x, Shape w, ConvParams p) {
    Shape y() {
        return new Conv2dOp(p).inferShape(x, w);
    }

    /** y = conv(x, W), dx and dW for a dy, on {@code device}, from the fixtures' seeded inputs. */
    Tensor[] directions(Device device) {
        Tensor x0 = Fixtures.uniform(device, 1, x);
        Tensor w0 = Fixtures.uniform(device, 2, w);
        Tensor dy = Fixtures.uniform(device, 3, y());
        return new Tensor[] {Tensor.apply(new Conv2dOp(p), x0, w0),
            Tensor.apply(new Conv2dBackwardDataOp(p, x), dy, w0),
            Tensor.apply(new Conv2dBackwardFilterOp(p, w), x0, dy)};
    }

    /**
     * The cpu backend's three directions match the reference's within the Tolerance table, and each ran the kernel
     * path {@code path} (its trace name).
     */
    void assertCpuMatchesReferenceOn(String path) {
        Tensor[] ref = directions(Device.reference());
        Tensor[] cpu;
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            cpu = directions(Device.cpu());
            assertEquals(Collections.nCopies(3, path), r.events().stream().map(KernelTrace.Event::path).toList(),
                    name + ": the paths");
        }
        Tolerance.of(Conv2dOp.class, DType.F32).assertClose(name + ": y", ref[0], cpu[0]);
        Tolerance.of(Conv2dBackwardDataOp.class, DType.F32).assertClose(name + ": dx", ref[1], cpu[1]);
        Tolerance.of(Conv2dBackwardFilterOp.class, DType.F32).assertClose(name + ": dW", ref[2], cpu[2]);
    }

    /** The three directions' outputs, one after the other, from a CpuConv2d with {@code threads} intra-op threads. */
    float[] threeDirections(int threads) {
        Rig rig = Rig.of(threads, this);
        rig.directions().run();
        return Tensor.cat(0, rig.y().reshape(-1), rig.dx().reshape(-1), rig.dw().reshape(-1)).toFloatArray();
    }

    /** A CpuConv2d with {@code threads} intra-op threads whose three directions of a case write y, dx and dw. */
    record Rig(Runnable directions, Tensor y, Tensor dx, Tensor dw) {
        static Rig of(int threads, ConvCase c) {
            IntraOpPool pool = new IntraOpPool(threads);
            Sgemm sgemm = Sgemm.fromSystemProperties(message -> { });
            CpuConv2d conv = new CpuConv2d(pool, sgemm, new CpuMatMul(pool, sgemm));
            Tensor x = Fixtures.uniform(Device.cpu(), 1, c.x());
            Tensor w = Fixtures.uniform(Device.cpu(), 2, c.w());
            Tensor dy = Fixtures.uniform(Device.cpu(), 3, c.y());
            Tensor y = zeros(c.y());
            Tensor dx = zeros(c.x());
            Tensor dw = zeros(c.w());
            return new Rig(() -> {
                conv.forward().run(new Conv2dOp(c.p()), new Tensor[] {x, w}, y);
                conv.backwardData().run(new Conv2dBackwardDataOp(c.p(), c.x()), new Tensor[] {dy, w}, dx);
                conv.backwardFilter().run(new Conv2dBackwardFilterOp(c.p(), c.w()), new Tensor[] {x, dy}, dw);
            }, y, dx, dw);
        }

        private static Tensor zeros(Shape s) {
            return Tensor.zeros(Device.cpu(), DType.F32, s.dims());
        }
    }
}
