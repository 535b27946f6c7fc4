package striate.cuda;

import static striate.cuda.CudaBackend.base;
import static striate.cuda.CudaBackend.of;
import static striate.cuda.CudaBackend.pointer;

import striate.op.ReduceFn;
import striate.op.ReduceOp;
import striate.tensor.Tensor;

/**
 * Sum and max over any axes (kernels/src/main/cuda/reduce.cu): the view of x is reordered kept axes first and
 * reduced axes last (no copy, only strides), so x reads as [outer, inner] and y [outer] is the kept shape in
 * row-major order. One block per output element.
 */
final class CudaReduce {
    static final int THREADS = 256; // REDUCE_THREADS in reduce.cu
    private static final int MAX_BLOCKS = 1 << 16;

    private CudaReduce() {
    }

    static void reduce(ReduceOp op, Tensor[] in, Tensor out) {
        Tensor x = in[0];
        CudaElementwise.requireF32(op.name(), x);
        Plan p = plan(op.reducedAxes(x.rank()), x.shape().dims(), x.strides());
        Layout xl = Layout.of(p.dims(), p.strides(), x.offset(), p.dims());
        if (p.outer() == 0) {
            return;
        }
        LaunchArgs args = new LaunchArgs().i64(p.outer()).i64(p.inner()).struct(xl.packed()).ptr(base(x)).ptr(pointer(out));
        int blocks = (int) Math.min(p.outer(), MAX_BLOCKS);
        of(out).gpu().launch(op.fn() == ReduceFn.SUM ? Symbols.SUM : Symbols.MAX, blocks, THREADS, args);
    }

    /** x's dims and strides with kept axes first, and the sizes of the kept and reduced parts. */
    record Plan(long[] dims, long[] strides, long outer, long inner) {
    }

    static Plan plan(boolean[] reduced, long[] dims, long[] strides) {
        long[] d = new long[dims.length];
        long[] s = new long[dims.length];
        long outer = 1;
        long inner = 1;
        int k = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int a = 0; a < dims.length; a++) {
                if (reduced[a] == (pass == 1)) {
                    d[k] = dims[a];
                    s[k++] = strides[a];
                    if (pass == 0) {
                        outer *= dims[a];
                    } else {
                        inner *= dims[a];
                    }
                }
            }
        }
        return new Plan(d, s, outer, inner);
    }
}
