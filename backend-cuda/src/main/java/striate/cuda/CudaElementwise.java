package striate.cuda;

import static striate.cuda.CudaBackend.base;
import static striate.cuda.CudaBackend.of;
import static striate.cuda.CudaBackend.pointer;

import striate.op.AffineOp;
import striate.op.BinaryOp;
import striate.op.CastOp;
import striate.op.CatOp;
import striate.op.CopyOp;
import striate.op.LeakyReluBackwardOp;
import striate.op.LeakyReluOp;
import striate.op.PadOp;
import striate.op.PowerOp;
import striate.op.RandomDraw;
import striate.op.RandomNormalOp;
import striate.op.RandomUniformOp;
import striate.op.UnaryOp;
import striate.op.WhereOp;
import striate.tensor.DType;
import striate.tensor.Tensor;

/**
 * Elementwise kernels (kernels/src/main/cuda/elementwise.cu): each input is read through a {@link Layout} of the
 * output's shape, so strided views and broadcasting need no copy; the output is contiguous.
 */
final class CudaElementwise {
    private CudaElementwise() {
    }

    static void unary(UnaryOp op, Tensor[] in, Tensor out) {
        requireF32(op.name(), in[0]);
        Layout xl = Layout.of(in[0], out.shape());
        LaunchArgs args = read(new LaunchArgs().i64(out.size()), in[0], xl).ptr(pointer(out));
        of(out).gpu().launch(Symbols.unary(op.fn()), threads(out, xl), args);
    }

    static void affine(AffineOp op, Tensor[] in, Tensor out) {
        requireF32(op.name(), in[0]);
        of(out).gpu().launch(Symbols.AFFINE, out.size(), read(new LaunchArgs().i64(out.size()), in[0], out)
                .ptr(pointer(out)).f64(op.scale()).f64(op.shift()));
    }

    static void leakyRelu(LeakyReluOp op, Tensor[] in, Tensor out) {
        requireF32(op.name(), in[0]);
        of(out).gpu().launch(Symbols.LEAKY_RELU, out.size(), read(new LaunchArgs().i64(out.size()), in[0], out)
                .ptr(pointer(out)).f64(op.slope()));
    }

    static void leakyReluBackward(LeakyReluBackwardOp op, Tensor[] in, Tensor out) {
        requireF32(op.name(), in[0]);
        requireF32(op.name(), in[1]);
        of(out).gpu().launch(Symbols.LEAKY_RELU_BACKWARD, out.size(),
                read(read(new LaunchArgs().i64(out.size()), in[0], out), in[1], out).ptr(pointer(out)).f64(op.slope()));
    }

    static void power(PowerOp op, Tensor[] in, Tensor out) {
        requireF32(op.name(), in[0]);
        of(out).gpu().launch(Symbols.POW, out.size(), read(new LaunchArgs().i64(out.size()), in[0], out)
                .ptr(pointer(out)).f64(op.exponent()));
    }

    static void binary(BinaryOp op, Tensor[] in, Tensor out) {
        requireF32(op.name(), in[0]);
        Layout al = Layout.of(in[0], out.shape());
        Layout bl = Layout.of(in[1], out.shape());
        LaunchArgs args = read(read(new LaunchArgs().i64(out.size()), in[0], al), in[1], bl).ptr(pointer(out));
        of(out).gpu().launch(Symbols.binary(op.fn()), threads(out, al, bl), args);
    }

    /**
     * The threads a unary or binary kernel's grid is sized for: one per four elements when the kernel reads and
     * writes float4s ({@link #fourAtATime}), else one per element (the kernels loop over the grid either way).
     */
    private static long threads(Tensor out, Layout... inputs) {
        return fourAtATime(out.offset(), inputs) ? (out.size() + 3) / 4 : out.size();
    }

    /**
     * Whether the elementwise kernels take their float4 path: every input contiguous and the output and every input
     * starting at an element index divisible by 4 (storage from the allocator is 256-byte aligned, so 16 bytes).
     */
    static boolean fourAtATime(long outOffset, Layout... inputs) {
        boolean ok = outOffset % 4 == 0;
        for (Layout l : inputs) {
            ok &= l.contiguous() && l.offset() % 4 == 0;
        }
        return ok;
    }

    static void where(WhereOp op, Tensor[] in, Tensor out) {
        requireF32(op.name(), in[1]);
        Tensor cond = in[0].dtype() == DType.F32 ? in[0] : of(out).execute(new CastOp(DType.F32), in[0]);
        LaunchArgs args = read(read(read(new LaunchArgs().i64(out.size()), cond, out), in[1], out), in[2], out);
        of(out).gpu().launch(Symbols.WHERE, out.size(), args.ptr(pointer(out)));
    }

    static void copy(CopyOp op, Tensor[] in, Tensor out) {
        of(out).gpu().launch(Symbols.copy(in[0].dtype()), out.size(),
                read(new LaunchArgs().i64(out.size()), in[0], out).ptr(pointer(out)));
    }

    static void cast(CastOp op, Tensor[] in, Tensor out) {
        String kernel = in[0].dtype() == op.to() ? Symbols.copy(op.to()) : Symbols.cast(in[0].dtype(), op.to());
        of(out).gpu().launch(kernel, out.size(), read(new LaunchArgs().i64(out.size()), in[0], out).ptr(pointer(out)));
    }

    static void pad(PadOp op, Tensor[] in, Tensor out) {
        Tensor x = in[0];
        if (x.dtype().bytes() != 4) {
            throw new UnsupportedOperationException(op.name() + " on cuda takes float32 or int32, got " + x.dtype());
        }
        if (x.rank() > Layout.MAX_RANK) {
            throw new UnsupportedOperationException(op.name() + " on cuda takes at most " + Layout.MAX_RANK + " axes");
        }
        long[] before = new long[Layout.MAX_RANK];
        System.arraycopy(op.before(), 0, before, 0, op.before().length);
        // Unmerged layouts: the kernel walks y's axes and x's axes side by side.
        Layout yl = new Layout(out.rank(), 0, out.shape().dims(), out.shape().contiguousStrides());
        Layout xl = new Layout(x.rank(), x.offset(), x.shape().dims(), x.strides());
        LaunchArgs args = new LaunchArgs().i64(out.size()).struct(yl.packed()).struct(xl.packed()).struct(before)
                .hold(x).ptr(base(x)).ptr(pointer(out));
        of(out).gpu().launch(Symbols.PAD, out.size(), args);
    }

    /** Each input into its place along the axis: one launch per input, reading it through its layout. */
    static void cat(CatOp op, Tensor[] in, Tensor out) {
        int axis = out.shape().axis(op.axis());
        long[] around = out.shape().aroundAxis(axis); // [outer, Σ d_i, inner]
        long row = around[1] * around[2];
        long start = 0;
        for (Tensor x : in) {
            long run = x.dim(axis) * around[2];
            LaunchArgs args = new LaunchArgs().i64(x.size()).struct(Layout.of(x).packed()).hold(x).ptr(base(x)).i64(run)
                    .i64(row).i64(start).ptr(pointer(out));
            of(out).gpu().launch(Symbols.cat(x.dtype()), x.size(), args);
            start += run;
        }
    }

    static void randomUniform(RandomUniformOp op, Tensor[] in, Tensor out) {
        of(out).gpu().launch(Symbols.random(out.dtype()), out.size(), drawArgs(op, op.low(), op.high(), in, out));
    }

    static void randomNormal(RandomNormalOp op, Tensor[] in, Tensor out) {
        of(out).gpu().launch(Symbols.randomNormal(out.dtype()), out.size(), drawArgs(op, op.mean(), op.std(), in,
                out)); // float32 for a widened 2-byte op, as the uniform draw
    }

    /**
     * A draw's arguments: size, seed, its two parameters, the output, and the stream (read when the kernel runs, so a
     * replayed graph draws anew; an unstreamed draw passes the output's address, unused).
     */
    private static LaunchArgs drawArgs(RandomDraw op, double a, double b, Tensor[] in, Tensor out) {
        return new LaunchArgs().i64(out.size()).i64(op.seed()).f64(a).f64(b).ptr(pointer(out))
                .i32(op.streamed() ? 1 : 0).ptr(pointer(op.streamed() ? in[0] : out)).i64(RandomDraw.STREAM_STEP);
    }

    /** Adds x's layout (broadcast to out's shape) and x's storage address; x is held until the launch. */
    private static LaunchArgs read(LaunchArgs args, Tensor x, Tensor out) {
        return read(args, x, Layout.of(x, out.shape()));
    }

    /** Adds {@code layout} (x read as the output's shape) and x's storage address; x is held until the launch. */
    private static LaunchArgs read(LaunchArgs args, Tensor x, Layout layout) {
        return args.hold(x).struct(layout.packed()).ptr(base(x));
    }

    /**
     * For the kernels that compute in float32 or in one 2-byte type (cuBLAS, cuDNN): every input is out's type, and
     * that is float32, bfloat16 or float16.
     */
    static void requireOneType(String op, Tensor[] in, Tensor out) {
        DType t = out.dtype();
        boolean ok = t == DType.F32 || t.isLowPrecision();
        for (Tensor x : in) {
            ok &= x.dtype() == t;
        }
        if (!ok) {
            StringBuilder types = new StringBuilder();
            for (Tensor x : in) {
                types.append(types.isEmpty() ? "" : ", ").append(x.dtype());
            }
            throw new UnsupportedOperationException(op + " on cuda computes in float32, bfloat16 or float16 with every "
                    + "operand of the output's type, got (" + types + ") → " + t + " (cast with tensor.to(dtype))");
        }
    }

    static void requireF32(String op, Tensor x) {
        if (x.dtype() != DType.F32) {
            throw new UnsupportedOperationException(op + " on cuda computes in float32, got " + x.dtype()
                    + " (cast with tensor.to(DType.F32))");
        }
    }
}
