package striate.cuda;

import static striate.cuda.CudaBackend.base;
import static striate.cuda.CudaBackend.of;
import static striate.cuda.CudaBackend.pointer;

import jcuda.driver.CUdeviceptr;
import striate.backend.KernelTrace;
import striate.op.ReduceFn;
import striate.op.ReduceOp;
import striate.tensor.Tensor;

/**
 * Sum and max over any axes (kernels/src/main/cuda/reduce.cu). A sum of a contiguous x whose kept axes are one run
 * between reduced ones, with at least two kept elements (a bias gradient: dy [n, c, h, w] summed over n, h and w, or
 * dy [n, c] over n), reads x as [a, c, b] and runs in two passes spread over the whole GPU ({@link #sumMiddle}; trace
 * name {@code channels} or {@code columns}). Any other sum or max reorders the view of x kept axes first and reduced
 * axes last (no copy, only strides), so x reads as [outer, inner] and y [outer] is the kept shape in row-major
 * order. A sum with few outputs and long rows (a full sum, a loss's mean, the loss scaler's check of a gradient)
 * splits each row into runs summed by blocks of their own, then adds each output's runs in order
 * ({@link #sumChunks}; trace name {@code chunks}); otherwise one block computes each output element (trace name
 * {@code blocks}). Sums add in double and round to float once, as the CPU backend does.
 */
final class CudaReduce {
    static final int THREADS = 256; // REDUCE_THREADS in reduce.cu
    private static final int MAX_BLOCKS = 1 << 16;
    /** Pass 1 of a two-pass sum aims at about this many blocks (a few per SM), from the shape alone. */
    private static final int TARGET_BLOCKS = 1024;
    /** Below this b, pass 1 sums columns of [a, c·b] (one thread per column) instead of rows of b (a block each). */
    private static final int MIN_ROW = 32;
    /** A run of a row that {@link #sumChunks} gives one block holds at least this many elements. */
    private static final long MIN_CHUNK = 4096;

    private CudaReduce() {
    }

    static void reduce(ReduceOp op, Tensor[] in, Tensor out) {
        Tensor x = in[0];
        CudaElementwise.requireF32(op.name(), x);
        boolean[] reduced = op.reducedAxes(x.rank());
        if (op.fn() == ReduceFn.SUM) {
            Middle m = Middle.of(reduced, x);
            if (m != null) {
                sumMiddle(m, x, out);
                return;
            }
        }
        Plan p = plan(reduced, x.shape().dims(), x.strides());
        Layout xl = Layout.of(p.dims(), p.strides(), x.offset(), p.dims());
        if (p.outer() == 0) {
            trace("blocks");
            return;
        }
        int splits = op.fn() == ReduceFn.SUM ? chunks(p) : 1;
        if (splits > 1) {
            sumChunks(p, xl, splits, x, out);
            return;
        }
        trace("blocks");
        LaunchArgs args = new LaunchArgs().i64(p.outer()).i64(p.inner()).struct(xl.packed()).ptr(base(x)).ptr(pointer(out));
        int blocks = (int) Math.min(p.outer(), MAX_BLOCKS);
        of(out).gpu().launch(op.fn() == ReduceFn.SUM ? Symbols.SUM : Symbols.MAX, blocks, THREADS, args);
    }

    /** A contiguous x as [a, c, b]: the reduced axes before the kept run, the kept run, the reduced axes after. */
    record Middle(int a, int c, long b) {
        /** x's [a, c, b] when it is contiguous and its kept axes are one run of two or more elements, else null. */
        static Middle of(boolean[] reduced, Tensor x) {
            if (!x.isContiguous()) {
                return null;
            }
            int first = 0;
            while (first < reduced.length && reduced[first]) {
                first++;
            }
            int end = first;
            while (end < reduced.length && !reduced[end]) {
                end++;
            }
            for (int k = end; k < reduced.length; k++) {
                if (!reduced[k]) {
                    return null; // a second kept run
                }
            }
            long a = 1;
            long c = 1;
            long b = 1;
            for (int k = 0; k < reduced.length; k++) {
                long d = x.dim(k);
                if (k < first) {
                    a *= d;
                } else if (k < end) {
                    c *= d;
                } else {
                    b *= d;
                }
            }
            boolean fits = a <= Integer.MAX_VALUE && c <= Integer.MAX_VALUE;
            return c >= 2 && a >= 1 && b >= 1 && fits ? new Middle((int) a, (int) c, b) : null;
        }
    }

    /**
     * y[j] = Σ_i Σ_k x[i, j, k] in two passes whose order depends on the shape alone: pass 1 writes c·per partial
     * sums (one per channel and run of rows, or per column and run for short rows) to scratch from the caching
     * allocator, pass 2 adds each channel's partials in order. The scratch is freed in stream order.
     */
    private static void sumMiddle(Middle m, Tensor x, Tensor out) {
        CudaDevice gpu = of(out).gpu();
        boolean rows = m.b() >= MIN_ROW;
        long columns = m.c() * m.b();
        int blocksX = rows ? m.c() : (int) ((columns + THREADS - 1) / THREADS);
        int splits = (int) Math.max(1, Math.min(Math.min(m.a(), 65_535), (TARGET_BLOCKS + blocksX - 1) / blocksX));
        long per = rows ? splits : splits * m.b();
        trace(rows ? "channels" : "columns");
        CachingAllocator.Block<CUdeviceptr> partial = gpu.allocator().allocate(m.c() * per * Double.BYTES);
        try {
            if (rows) {
                gpu.launch(Symbols.SUM_CHANNELS, blocksX, splits, THREADS, new LaunchArgs().i32(m.a()).i32(m.c())
                        .i64(m.b()).i32(splits).ptr(pointer(x)).ptr(partial.handle()));
            } else {
                gpu.launch(Symbols.SUM_COLUMNS, blocksX, splits, THREADS, new LaunchArgs().i32(m.a()).i64(columns)
                        .i32(splits).ptr(pointer(x)).ptr(partial.handle()));
            }
            gpu.launch(Symbols.SUM_PARTIALS, m.c(), new LaunchArgs().i32(m.c()).i32(Math.toIntExact(per))
                    .ptr(partial.handle()).ptr(pointer(out)));
        } finally {
            gpu.allocator().free(partial); // stream-ordered: a later user queues behind pass 2
        }
    }

    /**
     * Into how many runs {@link #sumChunks} splits each row of a sum viewed as [outer, inner]: enough for about
     * {@link #TARGET_BLOCKS} blocks in all, each run at least {@link #MIN_CHUNK} long; 1 (one block per output) when
     * the outputs alone fill the GPU or the rows are short. From the shape alone, so the bits are the same on any GPU.
     */
    static int chunks(Plan p) {
        if (p.outer() >= TARGET_BLOCKS / 4) {
            return 1;
        }
        long wanted = (TARGET_BLOCKS + p.outer() - 1) / p.outer();
        return (int) Math.max(1, Math.min(Math.min(wanted, p.inner() / MIN_CHUNK), 65_535));
    }

    /**
     * y[o] = Σ_r x[o, r] in two passes: block (o, s) sums run s of row o into a double partial, then
     * sum_partials adds each output's {@code splits} partials in order. The scratch is freed in stream order.
     */
    private static void sumChunks(Plan p, Layout xl, int splits, Tensor x, Tensor out) {
        CudaDevice gpu = of(out).gpu();
        trace("chunks");
        int outer = Math.toIntExact(p.outer());
        CachingAllocator.Block<CUdeviceptr> partial = gpu.allocator().allocate((long) outer * splits * Double.BYTES);
        try {
            gpu.launch(Symbols.SUM_CHUNKS, outer, splits, THREADS, new LaunchArgs().i64(p.outer()).i64(p.inner())
                    .i32(splits).struct(xl.packed()).ptr(base(x)).ptr(partial.handle()));
            gpu.launch(Symbols.SUM_PARTIALS, outer, new LaunchArgs().i32(outer).i32(splits).ptr(partial.handle())
                    .ptr(pointer(out)));
        } finally {
            gpu.allocator().free(partial);
        }
    }

    private static void trace(String path) {
        if (KernelTrace.on()) {
            KernelTrace.path(path);
        }
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
