package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import striate.backend.Backend;
import striate.backend.Backends;
import striate.backend.Traffic;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * The copy primitive on a GPU against the same copy on the reference backend, with the traffic it counts. Copies
 * within cuda:0 (contiguous, a strided or transposed source, a strided destination, both strided, a broadcast
 * source), between two backends of cuda:0 (each with its own stream and memory: the path a peer copy takes), and
 * between cuda:0 and cuda:1 where there are two GPUs, move no host bytes and count the view's bytes device→device
 * on the destination's backend; host↔device copies of strided views count the view's bytes alone.
 */
@Tag("gpu")
class CudaCopyTest {
    private static final Device REF = Device.reference();

    /** A [40, 24] tensor of distinct values on {@code backend}'s device. */
    private static Tensor buffer(Backend backend, DType dtype) {
        double[] v = new double[40 * 24];
        for (int i = 0; i < v.length; i++) {
            v[i] = i * 0.5 - 7;
        }
        Tensor t = Tensor.empty(backend, Shape.of(40, 24), dtype);
        t.copyFrom(Tensor.of(REF, dtype, v, 40, 24));
        return t;
    }

    /** Six by six elements of a [40, 24] buffer, contiguous (rows 2 and 3, flattened). */
    private static Tensor block(Tensor t) {
        return t.slice(0, 2, 4).reshape(48).slice(0, 0, 36).reshape(6, 6);
    }

    /** A source view and a destination view of [40, 24] buffers, both [6, 6]. */
    private record Case(String name, Function<Tensor, Tensor> from, Function<Tensor, Tensor> into) {
    }

    private static final List<Case> CASES = List.of(
            new Case("contiguous", CudaCopyTest::block, CudaCopyTest::block),
            new Case("strided source", s -> s.slice(1, 3, 9).slice(0, 5, 11), CudaCopyTest::block),
            new Case("transposed source", s -> s.slice(0, 0, 6).slice(1, 0, 6).transpose(0, 1), CudaCopyTest::block),
            new Case("strided destination", CudaCopyTest::block, d -> d.slice(1, 4, 10).slice(0, 0, 6)),
            new Case("both strided", s -> s.transpose(0, 1).slice(0, 5, 11).slice(1, 0, 6),
                    d -> d.slice(1, 2, 8).slice(0, 30, 36)),
            new Case("broadcast source", s -> s.slice(0, 3, 4).slice(1, 0, 6).expand(Shape.of(6, 6)),
                    d -> d.slice(1, 10, 16).slice(0, 0, 6)));

    /** Copies each case from a buffer on {@code from} into one on {@code into}; values and traffic. */
    private static void checkCases(Backend from, Backend into, DType dtype) {
        Backend reference = Backends.of(REF);
        for (Case c : CASES) {
            Tensor dst = buffer(into, dtype);
            Tensor src = buffer(from, dtype);
            Tensor view = c.into.apply(dst);
            Traffic fromBefore = from.traffic();
            Traffic intoBefore = into.traffic();
            view.copyFrom(c.from.apply(src));
            String what = c.name + ", " + dtype + ", " + from.device() + " → " + into.device();
            assertEquals(new Traffic(0, 0, view.size() * dtype.bytes()), into.traffic().minus(intoBefore),
                    what + ": counted by the destination's backend");
            if (from != into) {
                assertEquals(Traffic.NONE, from.traffic().minus(fromBefore), what + ": the source's counts nothing");
            }
            Tensor expected = buffer(reference, dtype);
            c.into.apply(expected).copyFrom(c.from.apply(buffer(reference, dtype)));
            assertArrayEquals(expected.toDoubleArray(), dst.toDoubleArray(), what);
        }
    }

    @Test
    void withinOneGpuNoHostBytes() {
        CudaBackend gpu = Gpu.backend();
        for (DType dtype : List.of(DType.F32, DType.F64, DType.I32)) {
            checkCases(gpu, gpu, dtype);
        }
    }

    @Test
    void betweenTwoBackendsOfOneGpuNoHostBytes() {
        CudaBackend gpu = Gpu.backend();
        CudaBackend second = new CudaBackend(Device.cuda(0), CudaOptions.defaults()); // its own stream and memory
        checkCases(gpu, second, DType.F32);
        checkCases(second, gpu, DType.F32);
    }

    @Test
    void betweenTwoGpusNoHostBytes() {
        Gpu.backend();
        assumeTrue(CudaProbe.report().gpus().size() >= 2, "one GPU here: a peer copy between two GPUs needs two");
        Backend a = Backends.of(Device.cuda(0));
        Backend b = Backends.of(Device.cuda(1));
        checkCases(a, b, DType.F32);
        checkCases(b, a, DType.F32);
    }

    @Test
    void hostAndDeviceMoveTheViewAlone() {
        CudaBackend gpu = Gpu.backend();
        Backend reference = Backends.of(REF);
        for (Case c : CASES) {
            Tensor host = buffer(reference, DType.F32);
            Tensor dev = buffer(gpu, DType.F32);
            Tensor view = c.into.apply(dev);
            long bytes = view.size() * 4;
            Traffic t0 = gpu.traffic();
            view.copyFrom(c.from.apply(host));
            assertEquals(new Traffic(bytes, 0, 0), gpu.traffic().minus(t0), c.name + ": host → device");
            Tensor expected = buffer(reference, DType.F32);
            c.into.apply(expected).copyFrom(c.from.apply(host));
            // A strided destination is taken from a column-major buffer (a transposed host view); the contiguous block
            // from a row-major one: block() of a column-major buffer reshapes a strided slice, which copies.
            Tensor rowMajor = buffer(reference, DType.F32);
            Tensor back = c.into.apply(rowMajor).isContiguous() ? rowMajor
                    : buffer(reference, DType.F32).transpose(0, 1).contiguous().transpose(0, 1);
            Traffic t1 = gpu.traffic();
            c.into.apply(back).copyFrom(view);
            assertEquals(new Traffic(0, bytes, 0), gpu.traffic().minus(t1), c.name + ": device → host");
            assertArrayEquals(expected.toFloatArray(), back.toFloatArray(), c.name);
        }
    }
}
