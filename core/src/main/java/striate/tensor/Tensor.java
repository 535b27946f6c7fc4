package striate.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import striate.autograd.Autocast;
import striate.autograd.AutocastPolicy;
import striate.autograd.GradMode;
import striate.autograd.Node;
import striate.autograd.Tape;
import striate.backend.Backend;
import striate.backend.Backends;
import striate.backend.HostBackend;
import striate.backend.HostGraph;
import striate.op.AffineOp;
import striate.op.BinaryFn;
import striate.op.BinaryOp;
import striate.op.CastOp;
import striate.op.CatOp;
import striate.op.CopyOp;
import striate.op.ExpandOp;
import striate.op.LogSoftmaxOp;
import striate.op.MatMulOp;
import striate.op.Op;
import striate.op.PadOp;
import striate.op.PermuteOp;
import striate.op.PowerOp;
import striate.op.RandomDraw;
import striate.op.RandomNormalOp;
import striate.op.RandomUniformOp;
import striate.op.ReduceFn;
import striate.op.ReduceOp;
import striate.op.ReshapeOp;
import striate.op.SliceOp;
import striate.op.SoftmaxOp;
import striate.op.ToDeviceOp;
import striate.op.UnaryFn;
import striate.op.UnaryOp;
import striate.op.ViewOp;
import striate.op.WhereOp;

/**
 * An n-dimensional array on one device: a view (shape, strides, offset, in elements) of a {@link Storage}.
 * Math methods are out of place and go through {@link #apply}, which runs the op on the tensor's backend and,
 * when gradients are wanted, records it for {@link Tape}. View methods (reshape, permute, expand, slice) share
 * storage. The only mutating methods are {@link #copyFrom} (for kernels, loaders and optimizers) and the
 * autograd bookkeeping. Data moves between devices, and to and from host memory, only through the backends' one
 * copy primitive ({@link Backend#copy}: {@link #copyFrom(Tensor)}, {@link #to(Device)}, the raw-byte
 * {@link #of(Device, DType, MemorySegment, long...)} and {@link #copyTo}); {@code double} appears only in the
 * user-facing conversions ({@link #toDoubleArray}, {@link #copyFrom(double[])}).
 */
public final class Tensor {
    private final Backend backend;
    private final Storage storage;
    private final Shape shape;
    private final long[] strides;
    private final long offset;
    private boolean requiresGrad;
    private Node node;
    private Tensor grad;

    private Tensor(Backend backend, Storage storage, Shape shape, long[] strides, long offset) {
        this.backend = backend;
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ---- creation ----------------------------------------------------------------------------------------

    /** Fresh zeroed contiguous memory on {@code backend}. */
    public static Tensor empty(Backend backend, Shape shape, DType dtype) {
        return new Tensor(backend, backend.allocate(dtype, shape.size()), shape, shape.contiguousStrides(), 0);
    }

    /** Contiguous memory with undefined content for a kernel to overwrite: what the dispatcher gives kernels. */
    public static Tensor output(Backend backend, Shape shape, DType dtype) {
        return new Tensor(backend, backend.allocateOutput(dtype, shape.size()), shape, shape.contiguousStrides(), 0);
    }

    public static Tensor zeros(Device device, DType dtype, long... dims) {
        return empty(Backends.of(device), Shape.of(dims), dtype);
    }

    /**
     * Every element {@code value}. A float32, float16 or bfloat16 tensor on a device with memory of its own (a GPU)
     * is filled there, as 0·0 + value by one affine kernel on zeros: a copy from host memory would wait for the
     * device's queued work (every {@link #backward()} seed and {@link #scalarLike} constant of a step did) and cannot
     * be captured in a CUDA graph; so is one on a host device while it captures a graph ({@link HostGraph}), which
     * refuses host writes as a CUDA capture does. The value is rounded to float32 once (then, for the 2-byte types,
     * to the type) on the device, and to the type directly on the host.
     */
    public static Tensor full(Device device, DType dtype, double value, long... dims) {
        Backend backend = Backends.of(device);
        boolean fillable = dtype == DType.F32 || dtype == DType.F16 || dtype == DType.BF16; // dropout's u under autocast
        if (fillable && (!(backend instanceof HostBackend) || HostGraph.capturing(backend))) {
            return empty(backend, Shape.of(dims), dtype).affine(0, value);
        }
        double[] v = new double[Math.toIntExact(Shape.of(dims).size())];
        Arrays.fill(v, value);
        return of(device, dtype, v, dims);
    }

    public static Tensor ones(Device device, DType dtype, long... dims) {
        return full(device, dtype, 1, dims);
    }

    /** A rank-0 tensor holding {@code value} (made as {@link #full} makes it). */
    public static Tensor scalar(Device device, DType dtype, double value) {
        return full(device, dtype, value);
    }

    /** A float32 tensor of these values, row-major, with these dims (a vector when none are given). */
    public static Tensor of(Device device, float[] data, long... dims) {
        Shape s = dims.length == 0 ? Shape.of(data.length) : Shape.of(dims);
        checkCount(data.length, s);
        return of(device, DType.F32, MemorySegment.ofArray(data), s.dims());
    }

    /** A tensor of {@code dtype} holding these values, row-major, with these dims. */
    public static Tensor of(Device device, DType dtype, double[] data, long... dims) {
        Shape s = dims.length == 0 && data.length != 1 ? Shape.of(data.length) : Shape.of(dims);
        checkCount(data.length, s);
        Tensor t = output(Backends.of(device), s, dtype);
        t.copyFrom(data);
        return t;
    }

    /** An int32 tensor (labels, indices). */
    public static Tensor ofInts(Device device, int[] data, long... dims) {
        Shape s = dims.length == 0 ? Shape.of(data.length) : Shape.of(dims);
        checkCount(data.length, s);
        return of(device, DType.I32, MemorySegment.ofArray(data), s.dims());
    }

    /**
     * A tensor of {@code dtype} with these dims whose values are the raw bytes of {@code values} (row-major, native
     * byte order, exactly the tensor's size in bytes), copied to {@code device} by its copy primitive.
     */
    public static Tensor of(Device device, DType dtype, MemorySegment values, long... dims) {
        Shape s = Shape.of(dims);
        Tensor t = output(Backends.of(device), s, dtype);
        t.copyFrom(values);
        return t;
    }

    /**
     * Uniform values in [low, high) from a counter-based generator: the same seed gives the same values anywhere. The
     * draw is a double, rounded once to {@code dtype}, which may round a draw just below high up to high (float32: one
     * draw in about 2^25; bfloat16: one in 2^9): a caller that needs high excluded clamps (the GAN's label draw does).
     * Inside a {@link RandomStream} of this device the draw follows the stream (seed + its value · step, read when the
     * draw runs), which a replayed graph advances.
     */
    public static Tensor rand(Device device, DType dtype, Shape shape, double low, double high, long seed) {
        Tensor stream = RandomStream.counterFor(device);
        return draw(device, new RandomUniformOp(shape, low, high, seed, dtype, stream != null), stream);
    }

    /**
     * Normal values of this mean and standard deviation (Box–Muller of counter-based uniforms,
     * {@link RandomNormalOp}): the same seed gives the same values anywhere; inside a {@link RandomStream} of this
     * device the draw follows the stream, as {@link #rand} does.
     */
    public static Tensor randn(Device device, DType dtype, Shape shape, double mean, double std, long seed) {
        Tensor stream = RandomStream.counterFor(device);
        return draw(device, new RandomNormalOp(shape, mean, std, seed, dtype, stream != null), stream);
    }

    /** Runs a draw on {@code device}, with its stream as input when it is streamed. */
    private static Tensor draw(Device device, RandomDraw op, Tensor stream) {
        Backend backend = Backends.of(device);
        return stream == null ? backend.execute(op) : backend.execute(op, stream);
    }

    /**
     * Host memory seen as a contiguous tensor of {@code shape} on the reference device (host memory to every other
     * device), without a copy: the host side of copies to and from Java arrays and buffers.
     */
    private static Tensor host(DType dtype, MemorySegment segment, Shape shape) {
        long bytes = shape.size() * dtype.bytes();
        if (segment.byteSize() != bytes) {
            throw new IllegalArgumentException(segment.byteSize() + " bytes of host memory for a " + dtype
                    + " tensor of shape " + shape + ", which holds " + bytes);
        }
        return new Tensor(Backends.of(Device.reference()), new HostStorage(dtype, segment), shape,
                shape.contiguousStrides(), 0);
    }

    private static void checkCount(int count, Shape s) {
        if (s.size() != count) {
            throw new ShapeMismatchException("Tensor.of", count + " values for shape " + s, s.size() + " values");
        }
    }

    // ---- description -------------------------------------------------------------------------------------

    public Shape shape() {
        return shape;
    }

    public int rank() {
        return shape.rank();
    }

    public long dim(int axis) {
        return shape.dim(axis);
    }

    public long size() {
        return shape.size();
    }

    public DType dtype() {
        return storage.dtype();
    }

    public Device device() {
        return backend.device();
    }

    public Backend backend() {
        return backend;
    }

    public Storage storage() {
        return storage;
    }

    /** Strides in elements, one per axis (0 along broadcast axes). */
    public long[] strides() {
        return strides.clone();
    }

    /** Offset of the first element in the storage, in elements. */
    public long offset() {
        return offset;
    }

    /** True when elements are laid out row-major without gaps from {@link #offset}. */
    public boolean isContiguous() {
        long expected = 1;
        for (int i = shape.rank() - 1; i >= 0; i--) {
            if (shape.dim(i) != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape.dim(i);
        }
        return true;
    }

    // ---- reading and writing data ------------------------------------------------------------------------

    /**
     * All elements in row-major order, widened to double. Host memory is read in place; a device tensor's view
     * (only the view) is first copied to the host by the copy primitive.
     */
    public double[] toDoubleArray() {
        HostGraph.refuseRead("reading a tensor's values (toDoubleArray, item, get)");
        Tensor t = inHostMemory();
        HostStorage h = (HostStorage) t.storage;
        int n = Math.toIntExact(size());
        double[] out = new double[n];
        if (t.isContiguous()) {
            for (int i = 0; i < n; i++) {
                out[i] = h.get(t.offset + i);
            }
            return out;
        }
        long[] index = new long[rank()];
        for (int i = 0; i < n; i++) {
            out[i] = h.get(t.position(index));
            t.increment(index);
        }
        return out;
    }

    /** All elements in row-major order as floats (a float32 tensor's bytes come over by the copy primitive). */
    public float[] toFloatArray() {
        float[] f = new float[Math.toIntExact(size())];
        if (dtype() == DType.F32) {
            copyTo(MemorySegment.ofArray(f));
            return f;
        }
        double[] d = toDoubleArray();
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /** All elements in row-major order as ints (floats truncate toward zero; int32 by the copy primitive). */
    public int[] toIntArray() {
        int[] v = new int[Math.toIntExact(size())];
        if (dtype() == DType.I32) {
            copyTo(MemorySegment.ofArray(v));
            return v;
        }
        double[] d = toDoubleArray();
        for (int i = 0; i < d.length; i++) {
            v[i] = (int) d[i];
        }
        return v;
    }

    /** The value of a one-element tensor. */
    public double item() {
        if (size() != 1) {
            throw new IllegalStateException("item() needs a tensor of one element, this one is " + shape);
        }
        return toDoubleArray()[0];
    }

    /** The element at this index (one coordinate per axis); on a device, that element alone is copied. */
    public double get(long... index) {
        if (index.length != rank()) {
            throw new IllegalArgumentException("index " + Arrays.toString(index) + " for a tensor of shape " + shape);
        }
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0 || index[i] >= shape.dim(i)) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(index) + " outside shape " + shape);
            }
        }
        return new Tensor(backend, storage, Shape.scalar(), new long[0], position(index)).toDoubleArray()[0];
    }

    /** This tensor when its memory is host memory, else a contiguous copy of its view on the host. */
    private Tensor inHostMemory() {
        return storage instanceof HostStorage ? this : to(Device.reference());
    }

    /**
     * Overwrites this tensor's elements, in row-major order, with {@code values} (rounded to its dtype). Host memory
     * is written in place; a device tensor gets them by the copy primitive from a host copy. For users, tests and
     * the reference kernels; data paths copy tensors or raw bytes instead. Not recorded for autograd.
     */
    public void copyFrom(double[] values) {
        if (values.length != size()) {
            throw new ShapeMismatchException("copyFrom", values.length + " values", size() + " for shape " + shape);
        }
        refuseBroadcastTarget();
        if (!(storage instanceof HostStorage h)) {
            copyFrom(of(Device.reference(), dtype(), values, shape.dims()));
            return;
        }
        HostGraph.refuseHostWrite(backend, "copyFrom(double[]) into a tensor of " + device());
        h.changed();
        if (isContiguous()) {
            for (int i = 0; i < values.length; i++) {
                h.set(offset + i, values[i]);
            }
            return;
        }
        long[] index = new long[rank()];
        for (double v : values) {
            h.set(position(index), v);
            increment(index);
        }
    }

    /**
     * Overwrites this tensor's elements with those of {@code src} (same shape; any device; another dtype is cast on
     * src's device first) by the backends' copy primitive ({@link Backend#copy}): only the two views' elements move,
     * as bytes. A source that is another view of this tensor's memory (its transpose, say) is copied out first, so
     * every element gets the source's value from before the copy. Not recorded for autograd.
     */
    public void copyFrom(Tensor src) {
        if (!src.shape.equals(shape)) {
            throw new ShapeMismatchException("copyFrom", "source of shape " + src.shape, "shape " + shape);
        }
        refuseBroadcastTarget();
        if (size() == 0 || src.storage == storage && src.offset == offset && Arrays.equals(src.strides, strides)) {
            return; // nothing to copy, or every element onto itself
        }
        Tensor from = src.to(dtype());
        if (from.storage == storage && overlaps(from)) {
            try (GradMode.Scope off = GradMode.off()) {
                from = from.copy();
            }
        }
        Backend.copier(from, this).copy(from, this);
        storage.changed();
    }

    /** Refuses a write into a view whose elements share memory (stride 0 on an axis longer than 1). */
    private void refuseBroadcastTarget() {
        for (int i = 0; i < strides.length; i++) {
            if (strides[i] == 0 && shape.dim(i) > 1) {
                throw new IllegalArgumentException("copyFrom into a broadcast view " + shape + " (stride 0 on axis " + i
                        + "): several elements share memory; copy into the tensor it expands");
            }
        }
    }

    /** Whether the storage positions {@code other}'s elements span meet the span of this tensor's (same storage). */
    private boolean overlaps(Tensor other) {
        return offset <= other.lastPosition() && other.offset <= lastPosition();
    }

    /** The highest storage position of this (non-empty) tensor's elements; strides are never negative. */
    private long lastPosition() {
        long p = offset;
        for (int i = 0; i < strides.length; i++) {
            p += (shape.dim(i) - 1) * strides[i];
        }
        return p;
    }

    /**
     * Overwrites this tensor's elements, row-major, with the raw bytes of {@code values} (its dtype, native byte
     * order, exactly its size in bytes), by the copy primitive. Not recorded for autograd.
     */
    public void copyFrom(MemorySegment values) {
        HostGraph.refuseHostWrite(backend, "copying host values into a tensor of " + device());
        copyFrom(host(dtype(), values, shape));
    }

    /** Copies this tensor's elements, row-major, as raw bytes (native order) into {@code dst}, exactly its size. */
    public void copyTo(MemorySegment dst) {
        HostGraph.refuseRead("reading a tensor's values (toFloatArray, toIntArray, copyTo)");
        host(dtype(), dst, shape).copyFrom(this);
    }

    /** Storage position of a logical index. */
    private long position(long[] index) {
        long p = offset;
        for (int i = 0; i < index.length; i++) {
            p += index[i] * strides[i];
        }
        return p;
    }

    /** Advances a row-major index by one element. */
    private void increment(long[] index) {
        for (int i = index.length - 1; i >= 0; i--) {
            if (++index[i] < shape.dim(i)) {
                return;
            }
            index[i] = 0;
        }
    }

    // ---- dispatch ----------------------------------------------------------------------------------------

    /**
     * Runs {@code op} on {@code inputs} (at least one) on their backend; records it for autograd when gradients
     * are enabled and an input requires them. The one entry point of every tensor method. Under {@link Autocast}
     * the inputs are first cast (by recorded casts) to the type {@link AutocastPolicy} gives the op.
     */
    public static Tensor apply(Op op, Tensor... given) {
        Tensor[] inputs = Autocast.isEnabled() ? AutocastPolicy.inputs(op, given, Autocast.dtype()) : given;
        Tensor y = switch (op) {
            case ViewOp v -> inputs[0].view(v);
            case ToDeviceOp d -> inputs[0].copyOnto(d.target());
            default -> inputs[0].backend.execute(op, inputs);
        };
        if (GradMode.isEnabled() && y != null) {
            for (Tensor t : inputs) {
                if (t.requiresGrad) {
                    y.requiresGrad = true;
                    y.node = new Node(op, inputs.clone(), y);
                    break;
                }
            }
        }
        return y;
    }

    private Tensor view(ViewOp op) {
        Shape s = op.inferShape(shape);
        return switch (op) {
            case ReshapeOp r -> new Tensor(backend, storage, s, s.contiguousStrides(), offset);
            case PermuteOp p -> {
                long[] st = new long[rank()];
                for (int i = 0; i < st.length; i++) {
                    st[i] = strides[p.order()[i]];
                }
                yield new Tensor(backend, storage, s, st, offset);
            }
            case ExpandOp e -> {
                long[] st = new long[s.rank()];
                int lead = s.rank() - rank();
                for (int i = lead; i < st.length; i++) {
                    st[i] = shape.dim(i - lead) == 1 && s.dim(i) != 1 ? 0 : strides[i - lead];
                }
                yield new Tensor(backend, storage, s, st, offset);
            }
            case SliceOp sl -> {
                int a = shape.axis(sl.axis());
                yield new Tensor(backend, storage, s, strides.clone(), offset + sl.start() * strides[a]);
            }
        };
    }

    // ---- elementwise -------------------------------------------------------------------------------------

    public Tensor unary(UnaryFn fn) {
        return apply(new UnaryOp(fn), this);
    }

    public Tensor neg() {
        return unary(UnaryFn.NEG);
    }

    public Tensor exp() {
        return unary(UnaryFn.EXP);
    }

    public Tensor log() {
        return unary(UnaryFn.LOG);
    }

    public Tensor sqrt() {
        return unary(UnaryFn.SQRT);
    }

    public Tensor abs() {
        return unary(UnaryFn.ABS);
    }

    public Tensor sign() {
        return unary(UnaryFn.SIGN);
    }

    /** 1 where x > 0, else 0. */
    public Tensor step() {
        return unary(UnaryFn.STEP);
    }

    public Tensor sigmoid() {
        return unary(UnaryFn.SIGMOID);
    }

    public Tensor tanh() {
        return unary(UnaryFn.TANH);
    }

    public Tensor relu() {
        return unary(UnaryFn.RELU);
    }

    /** log(1 + x), elementwise, exact where x is small (log of 1 + x would round 1 + x first). */
    public Tensor log1p() {
        return unary(UnaryFn.LOG1P);
    }

    /** The error function, elementwise (GELU's Φ(x) = (1 + erf(x/√2))/2). */
    public Tensor erf() {
        return unary(UnaryFn.ERF);
    }

    /** scale·x + shift. */
    public Tensor affine(double scale, double shift) {
        return apply(new AffineOp(scale, shift), this);
    }

    public Tensor mul(double c) {
        return affine(c, 0);
    }

    public Tensor add(double c) {
        return affine(1, c);
    }

    public Tensor pow(double exponent) {
        return apply(new PowerOp(exponent), this);
    }

    public Tensor square() {
        return pow(2);
    }

    public Tensor binary(BinaryFn fn, Tensor other) {
        return apply(new BinaryOp(fn), this, other);
    }

    public Tensor add(Tensor other) {
        return binary(BinaryFn.ADD, other);
    }

    public Tensor sub(Tensor other) {
        return binary(BinaryFn.SUB, other);
    }

    public Tensor mul(Tensor other) {
        return binary(BinaryFn.MUL, other);
    }

    public Tensor div(Tensor other) {
        return binary(BinaryFn.DIV, other);
    }

    /**
     * The element-wise maximum (broadcast; NaN if either is NaN), as PyTorch's {@code maximum}, gradient included: the
     * larger input takes dy, equal inputs half each, and where either is NaN both take it.
     */
    public Tensor maximum(Tensor other) {
        return binary(BinaryFn.MAXIMUM, other);
    }

    /** The element-wise minimum, as {@link #maximum} with the smaller input taking dy. */
    public Tensor minimum(Tensor other) {
        return binary(BinaryFn.MINIMUM, other);
    }

    public Tensor gt(Tensor other) {
        return binary(BinaryFn.GREATER, other);
    }

    public Tensor lt(Tensor other) {
        return binary(BinaryFn.LESS, other);
    }

    public Tensor eq(Tensor other) {
        return binary(BinaryFn.EQUAL, other);
    }

    /** cond ≠ 0 ? a : b, with broadcasting. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return apply(new WhereOp(), cond, a, b);
    }

    /** A scalar of this tensor's type and device (for broadcasting against it). */
    public Tensor scalarLike(double value) {
        return scalar(device(), dtype(), value);
    }

    // ---- reductions --------------------------------------------------------------------------------------

    /** Sum of all elements, as a scalar. */
    public Tensor sum() {
        return apply(new ReduceOp(ReduceFn.SUM, new int[0], false), this);
    }

    public Tensor sum(int[] axes, boolean keepDims) {
        return apply(new ReduceOp(ReduceFn.SUM, axes, keepDims), this);
    }

    public Tensor sum(int axis, boolean keepDims) {
        return sum(new int[] {axis}, keepDims);
    }

    public Tensor max(int[] axes, boolean keepDims) {
        return apply(new ReduceOp(ReduceFn.MAX, axes, keepDims), this);
    }

    public Tensor max(int axis, boolean keepDims) {
        return max(new int[] {axis}, keepDims);
    }

    /** Refuses an integer tensor for {@code what}, whose result is a fraction. */
    private void requireFloating(String what) {
        if (!dtype().isFloating()) {
            throw new IllegalArgumentException(what + " of a " + dtype() + " tensor " + shape + " would round to an "
                    + "integer; cast it with to(DType.F32)");
        }
    }

    /** Mean of all elements, as a scalar. */
    public Tensor mean() {
        requireFloating("mean");
        return sum().mul(1.0 / size());
    }

    public Tensor mean(int[] axes, boolean keepDims) {
        requireFloating("mean");
        ReduceOp op = new ReduceOp(ReduceFn.SUM, axes, keepDims);
        long count = size() / Math.max(1, op.keptShape(shape).size());
        return apply(op, this).mul(1.0 / count);
    }

    public Tensor mean(int axis, boolean keepDims) {
        return mean(new int[] {axis}, keepDims);
    }

    // ---- linear algebra, softmax -------------------------------------------------------------------------

    /** this [m, k] · other [k, n] → [m, n]. */
    public Tensor matmul(Tensor other) {
        return matmul(other, false, false);
    }

    public Tensor matmul(Tensor other, boolean transposeThis, boolean transposeOther) {
        return apply(new MatMulOp(transposeThis, transposeOther), this, other);
    }

    public Tensor softmax(int axis) {
        return apply(new SoftmaxOp(axis), this);
    }

    public Tensor logSoftmax(int axis) {
        return apply(new LogSoftmaxOp(axis), this);
    }

    // ---- views and copies --------------------------------------------------------------------------------

    /** A view with these dims (one may be -1 and is inferred); copies first when strides don't allow a view. */
    public Tensor reshape(long... dims) {
        long[] d = dims.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == -1) {
                if (infer >= 0) {
                    throw new ShapeMismatchException("reshape", Arrays.toString(dims), "at most one -1");
                }
                infer = i;
            } else {
                known *= d[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || size() % known != 0) {
                throw new ShapeMismatchException("reshape", "reshape of " + shape + " to " + Arrays.toString(dims),
                        "dims whose product divides " + size());
            }
            d[infer] = size() / known;
        }
        Tensor src = isContiguous() ? this : contiguous();
        return apply(new ReshapeOp(Shape.of(d)), src);
    }

    /** [n, d1, d2, ...] → [n, d1·d2·...]. */
    public Tensor flatten() {
        return reshape(dim(0), -1);
    }

    public Tensor permute(int... order) {
        return apply(new PermuteOp(order), this);
    }

    /** Swaps two axes. */
    public Tensor transpose(int a, int b) {
        int[] order = new int[rank()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        order[shape.axis(a)] = shape.axis(b);
        order[shape.axis(b)] = shape.axis(a);
        return permute(order);
    }

    public Tensor expand(Shape target) {
        return apply(new ExpandOp(target), this);
    }

    /** Elements [start, end) along {@code axis}, as a view. */
    public Tensor slice(int axis, long start, long end) {
        return apply(new SliceOp(axis, start, end), this);
    }

    public Tensor pad(long[] before, long[] after) {
        return apply(new PadOp(before, after), this);
    }

    /** The tensors joined along {@code axis} (PyTorch's cat): dims agree except along it, where they add up. */
    public static Tensor cat(int axis, Tensor... tensors) {
        return apply(new CatOp(axis, tensors.length), tensors);
    }

    /** The tensors, of one shape, stacked along a new axis at {@code axis} (PyTorch's stack): [..., k, ...]. */
    public static Tensor stack(int axis, Tensor... tensors) {
        if (tensors.length == 0) {
            throw new IllegalArgumentException("stack: no tensors to stack");
        }
        int rank = tensors[0].rank() + 1;
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw new IllegalArgumentException("stack: axis " + axis + " is out of range for tensors of shape "
                    + tensors[0].shape + " (the new axis must lie in [" + -rank + ", " + rank + "))");
        }
        Tensor[] parts = new Tensor[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            long[] d = tensors[i].shape.dims();
            long[] withAxis = new long[d.length + 1];
            for (int k = 0, j = 0; k < withAxis.length; k++) {
                withAxis[k] = k == a ? 1 : d[j++];
            }
            parts[i] = tensors[i].reshape(withAxis);
        }
        return cat(a, parts);
    }

    /** This tensor if contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        return isContiguous() ? this : apply(new CopyOp(), this);
    }

    /** A contiguous copy that shares nothing with this tensor. */
    public Tensor copy() {
        return apply(new CopyOp(), this);
    }

    /** This tensor converted to {@code type} (itself when it already has it). */
    public Tensor to(DType type) {
        return type == dtype() ? this : apply(new CastOp(type), this);
    }

    /**
     * A contiguous copy of this tensor's values on {@code target} (itself when already there), made by the copy
     * primitive; recorded for autograd ({@link ToDeviceOp}), so the gradient goes back to this tensor's device.
     */
    public Tensor to(Device target) {
        return target.equals(device()) ? this : apply(new ToDeviceOp(target), this);
    }

    private Tensor copyOnto(Device target) {
        Tensor t = output(Backends.of(target), shape, dtype());
        t.copyFrom(this);
        return t;
    }

    /** The same values, cut off from the autograd graph. */
    public Tensor detach() {
        return new Tensor(backend, storage, shape, strides, offset);
    }

    // ---- autograd ----------------------------------------------------------------------------------------

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Marks a leaf tensor as one whose gradient backward() accumulates into {@link #grad()}. Returns this. */
    public Tensor requiresGrad(boolean value) {
        if (node != null && !value) {
            throw new IllegalStateException("requiresGrad(false) on a computed tensor; use detach()");
        }
        if (value && !dtype().isFloating()) {
            throw new IllegalArgumentException("requiresGrad(true) on a " + dtype() + " tensor: only floating-point "
                    + "tensors have gradients; cast it with to(DType.F32)");
        }
        this.requiresGrad = value;
        return this;
    }

    /** The op that produced this tensor, when recorded; null for leaves. */
    public Node node() {
        return node;
    }

    /** The gradient accumulated by backward(), or null. */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the accumulated gradient (null clears it). */
    public void setGrad(Tensor g) {
        if (g != null && !g.shape.equals(shape)) {
            throw new ShapeMismatchException("setGrad", "gradient of shape " + g.shape, "shape " + shape);
        }
        if (g != null && (g.dtype() != dtype() || !g.device().equals(device()))) {
            throw new IllegalArgumentException("setGrad: the gradient is " + g.dtype() + " on " + g.device() + " but the "
                    + "tensor is " + dtype() + " on " + device() + "; give it the tensor's type and device");
        }
        this.grad = g;
    }

    /** Backpropagates from this scalar: accumulates d this / d leaf into every leaf that requires grad. */
    public void backward() {
        if (size() != 1) {
            throw new IllegalStateException("backward() without a gradient needs a one-element tensor; this one is "
                    + shape + " (pass dy with backward(dy))");
        }
        backward(Tensor.full(device(), dtype(), 1, shape.dims()));
    }

    /** Backpropagates with {@code dy} as the gradient of this tensor. */
    public void backward(Tensor dy) {
        Tape.backward(this, dy);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(").append(shape).append(", ").append(dtype()).append(", ")
                .append(device());
        if (storage instanceof HostStorage h && h.released()) {
            sb.append(", released");
        } else if (size() <= 16 && !HostGraph.capturing()) {
            sb.append(", ").append(Arrays.toString(toDoubleArray()));
        }
        return sb.append(requiresGrad ? ", requiresGrad" : "").append(')').toString();
    }
}
