package striate.cuda;

import static jcuda.jcudnn.cudnnBackendAttributeName.*;
import static jcuda.jcudnn.cudnnBackendDescriptorType.*;
import static striate.cuda.CudaBackend.pointer;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.JCudaDriver;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnBackendAttributeType;
import jcuda.jcudnn.cudnnBackendHeurMode;
import jcuda.jcudnn.cudnnBackendNumericalNote;
import jcuda.jcudnn.cudnnConvolutionMode;
import jcuda.jcudnn.cudnnDataType;
import striate.backend.KernelTrace;
import striate.op.ConvParams;
import striate.tensor.DType;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * The convolutions through cuDNN's graph (backend) API ({@link CudnnApi#GRAPH}). For each new (direction, type,
 * shapes, params, operand alignment): an operation graph of one convolution node over three tensors (the x-, w- and
 * y-shaped operands, unique ids 1, 2, 3), the engine configurations of cuDNN's heuristics (instant mode, then the
 * fallback list's other engines), those whose numerical notes the options allow ({@link #usable}), each finalized into an execution
 * plan where cuDNN accepts it; then the first plan that runs on the call's operands in deterministic mode (the next
 * is planned only when one fails: a workspace too large for what the step holds, an execution cuDNN refuses; so a
 * run short of memory may choose another engine, with other bits, than one that is not), else
 * the fastest of up to
 * {@value #TIMED_CANDIDATES} plans, timed on the call's own operands (one warm-up run, {@value #TIMED_RUNS} timed),
 * as PyTorch's {@code cudnn.benchmark} does. The plan is kept with every descriptor it was built from; each call
 * binds the operands' addresses and a workspace in a variant pack and executes it on the backend's stream.
 */
final class GraphConvolutionCalls implements ConvolutionCalls {
    /** PyTorch's default {@code cudnn.benchmark_limit}. */
    static final int TIMED_CANDIDATES = 10;
    static final int TIMED_RUNS = 3;
    /** cuDNN 9's CUDNN_HEUR_MODE_FALLBACK (JCudnn 11.7 names only the instant and B modes). */
    static final int HEUR_MODE_FALLBACK = 2;
    /** More than cuDNN 9's CUDNN_NUMERICAL_NOTE_TYPE_COUNT (10): an engine's notes all fit. */
    private static final int NOTE_CAPACITY = 16;
    private static final long X = 1;
    private static final long W = 2;
    private static final long Y = 3;

    /** A direction's operation descriptor and the attributes of its alpha, beta, convolution and three operands. */
    enum Direction {
        FORWARD("fwd", CUDNN_BACKEND_OPERATION_CONVOLUTION_FORWARD_DESCRIPTOR,
                CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_ALPHA, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_BETA,
                CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_CONV_DESC, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_X,
                CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_W, CUDNN_ATTR_OPERATION_CONVOLUTION_FORWARD_Y),
        BACKWARD_DATA("bwd-data", CUDNN_BACKEND_OPERATION_CONVOLUTION_BACKWARD_DATA_DESCRIPTOR,
                CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_ALPHA, CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_BETA,
                CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_CONV_DESC, CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_DX,
                CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_W, CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_DATA_DY),
        BACKWARD_FILTER("bwd-filter", CUDNN_BACKEND_OPERATION_CONVOLUTION_BACKWARD_FILTER_DESCRIPTOR,
                CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_ALPHA, CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_BETA,
                CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_CONV_DESC, CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_X,
                CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_DW, CUDNN_ATTR_OPERATION_CONVOLUTION_BWD_FILTER_DY);

        final String label;
        final int operation;
        final int alpha;
        final int beta;
        final int convolution;
        final int x;
        final int w;
        final int y;

        Direction(String label, int operation, int alpha, int beta, int convolution, int x, int w, int y) {
            this.label = label;
            this.operation = operation;
            this.alpha = alpha;
            this.beta = beta;
            this.convolution = convolution;
            this.x = x;
            this.w = w;
            this.y = y;
        }
    }

    /** A finalized execution plan, its workspace, its engine's name, and the descriptors it was built from. */
    private record Plan(CudnnDescriptor plan, long workspace, long engineIndex, String engine,
            List<CudnnDescriptor> keep) {
        void close() {
            plan.close();
            keep.forEach(CudnnDescriptor::close);
        }
    }

    private final CudaDevice gpu;
    private final Map<String, Plan> plans = new HashMap<>();
    private final Map<String, String> failed = new HashMap<>(); // searches that found no engine, and why

    GraphConvolutionCalls(CudaDevice gpu) {
        this.gpu = gpu;
    }

    @Override
    public void forward(Tensor x, Tensor w, ConvParams p, Tensor y, boolean accumulate) {
        run(Direction.FORWARD, x, w, y, p, accumulate);
    }

    @Override
    public void backwardData(Tensor dy, Tensor w, ConvParams p, Tensor dx) {
        run(Direction.BACKWARD_DATA, dx, w, dy, p, false);
    }

    @Override
    public void backwardFilter(Tensor x, Tensor dy, ConvParams p, Tensor dw) {
        run(Direction.BACKWARD_FILTER, x, dw, dy, p, false);
    }

    /**
     * Runs {@code direction} on its x-, w- and y-shaped operands (one of them the output); {@code accumulate} (a
     * forward one only) adds to what y holds.
     */
    private void run(Direction direction, Tensor x, Tensor w, Tensor y, ConvParams p, boolean accumulate) {
        long[] addresses = {NativeAddress.of(pointer(x)), NativeAddress.of(pointer(w)), NativeAddress.of(pointer(y))};
        DType dtype = y.dtype();
        String key = direction.label + (accumulate ? " accumulating" : "") + " " + dtype + " x " + x.shape() + " w "
                + w.shape() + " y " + y.shape() + " " + p + " aligned " + alignment(addresses[0]) + "/"
                + alignment(addresses[1]) + "/" + alignment(addresses[2]);
        Plan plan = plans.get(key);
        if (plan == null) {
            String why = failed.get(key);
            if (why != null) { // searched before in vain: a caller that goes on (an eager fallback) does not search again
                throw new CudaCallException(why);
            }
            try {
                plan = choose(direction, dtype, x.shape(), w.shape(), y.shape(), p, accumulate, addresses, key);
            } catch (NoEngineException e) {
                if (e.lasting) { // not when a plan failed to run: that may be memory the step holds only now
                    failed.put(key, e.getMessage());
                }
                throw e;
            }
            plans.put(key, plan);
        }
        if (KernelTrace.on()) {
            KernelTrace.path("cudnn graph " + plan.engine() + (dtype.isLowPrecision() ? " " + dtype : ""));
        }
        Plan chosen = plan;
        ConvolutionCalls.withWorkspace(gpu, chosen.workspace(), ws -> {
            try (CudnnDescriptor pack = variantPack(addresses, ws == null ? 0 : NativeAddress.of(ws))) {
                CudaStatus.cudnn(JCudnn.cudnnBackendExecute(gpu.cudnn(), chosen.plan().handle(), pack.handle()),
                        "cudnnBackendExecute(" + key + ", " + chosen.engine() + ")");
            }
        });
        // the operands (dense copies among them) stay allocated through the search's allocations and the execution
        Reference.reachabilityFence(x);
        Reference.reachabilityFence(w);
        Reference.reachabilityFence(y);
    }

    private static CudnnDescriptor variantPack(long[] addresses, long workspace) {
        CudnnDescriptor pack = new CudnnDescriptor(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR, "variant pack");
        try {
            return pack.longs(CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, X, W, Y)
                    .addresses(CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, addresses)
                    .addresses(CUDNN_ATTR_VARIANT_PACK_WORKSPACE, workspace)
                    .finish();
        } catch (RuntimeException e) {
            pack.close();
            throw e;
        }
    }

    private Plan choose(Direction direction, DType dtype, Shape xs, Shape ws, Shape ys, ConvParams p,
            boolean accumulate, long[] addresses, String key) {
        gpu.requireNotCapturing("cuDNN's engine search for a new convolution (" + key + ")");
        List<CudnnDescriptor> keep = new ArrayList<>();
        List<Plan> candidates = new ArrayList<>();
        Refusals refusals = new Refusals();
        try {
            CudnnDescriptor graph = operationGraph(direction, dtype, xs, ws, ys, p, accumulate, addresses, keep);
            boolean deterministic = gpu.options().deterministic();
            long scratchBytes = accumulate ? ys.size() * dtype.bytes() : 0; // trial runs must not add to y
            java.util.Set<Long> seen = new java.util.HashSet<>(); // engines planned or turned down already
            for (int mode : new int[] {cudnnBackendHeurMode.CUDNN_HEUR_MODE_INSTANT, HEUR_MODE_FALLBACK}) {
                List<CudnnDescriptor> configs = engineConfigs(graph, mode, refusals);
                for (int i = 0; i < configs.size(); i++) {
                    CudnnDescriptor config = configs.get(i);
                    if (candidates.size() == (deterministic ? 1 : TIMED_CANDIDATES)) {
                        config.close();
                        continue;
                    }
                    try {
                        Plan candidate = plan(config, dtype, seen, refusals);
                        if (candidate != null && deterministic && !runs(candidate, addresses, scratchBytes)) {
                            refusals.didNotRun(candidate.engine());
                            candidate.close();
                        } else if (candidate != null) {
                            candidates.add(candidate);
                        }
                    } catch (RuntimeException e) { // this configuration alone; the others are still worth a try
                        refusals.add("unreadable: " + e.getMessage());
                    }
                }
            }
            if (candidates.isEmpty()) {
                throw new NoEngineException(!refusals.someDidNotRun(),
                        "cuDNN's graph API offers no usable engine for the convolution " + key
                        + " (" + refusals + (deterministic ? "; deterministic only" : "")
                        + (dtype == DType.F32 && !gpu.options().tf32() ? "; no tensor cores in strict float32" : "")
                        + "); -Dstriate.cuda.cudnnApi=legacy uses the legacy calls");
            }
            Plan best = deterministic ? candidates.get(0) : fastest(candidates, addresses, scratchBytes);
            candidates.stream().filter(c -> c != best).forEach(Plan::close);
            List<CudnnDescriptor> all = new ArrayList<>(keep);
            all.addAll(best.keep());
            return new Plan(best.plan(), best.workspace(), best.engineIndex(), best.engine(), all);
        } catch (RuntimeException e) {
            candidates.forEach(Plan::close);
            keep.forEach(CudnnDescriptor::close);
            throw e;
        }
    }

    /** The finalized operation graph of one convolution; its descriptors join {@code keep}. */
    private CudnnDescriptor operationGraph(Direction direction, DType dtype, Shape xs, Shape ws, Shape ys,
            ConvParams p, boolean accumulate, long[] addresses, List<CudnnDescriptor> keep) {
        CudnnDescriptor op = convolution(direction, dtype, xs, ws, ys, p, accumulate, addresses, keep);
        return keep(keep, new CudnnDescriptor(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR, "operation graph"))
                .handle(CUDNN_ATTR_OPERATIONGRAPH_HANDLE, gpu.cudnn())
                .descriptors(CUDNN_ATTR_OPERATIONGRAPH_OPS, op)
                .finish();
    }

    /**
     * The finalized convolution node over its three tensors (no device needed to build it), with beta 1 when it
     * {@code accumulate}s into its output; its descriptors join {@code keep}.
     */
    static CudnnDescriptor convolution(Direction direction, DType dtype, Shape xs, Shape ws, Shape ys, ConvParams p,
            boolean accumulate, long[] addresses, List<CudnnDescriptor> keep) {
        int type = CudnnConv2d.dataType(dtype);
        CudnnDescriptor x = tensor("x", X, xs, type, addresses[0], keep);
        CudnnDescriptor w = tensor("w", W, ws, type, addresses[1], keep);
        CudnnDescriptor y = tensor("y", Y, ys, type, addresses[2], keep);
        CudnnDescriptor conv = keep(keep, new CudnnDescriptor(CUDNN_BACKEND_CONVOLUTION_DESCRIPTOR, "convolution"))
                .enums(CUDNN_ATTR_CONVOLUTION_COMP_TYPE, cudnnBackendAttributeType.CUDNN_TYPE_DATA_TYPE,
                        cudnnDataType.CUDNN_DATA_FLOAT)
                .enums(CUDNN_ATTR_CONVOLUTION_CONV_MODE, cudnnBackendAttributeType.CUDNN_TYPE_CONVOLUTION_MODE,
                        cudnnConvolutionMode.CUDNN_CROSS_CORRELATION)
                .longs(CUDNN_ATTR_CONVOLUTION_SPATIAL_DIMS, 2)
                .longs(CUDNN_ATTR_CONVOLUTION_DILATIONS, p.dilationH(), p.dilationW())
                .longs(CUDNN_ATTR_CONVOLUTION_FILTER_STRIDES, p.strideH(), p.strideW())
                .longs(CUDNN_ATTR_CONVOLUTION_PRE_PADDINGS, p.padH(), p.padW())
                .longs(CUDNN_ATTR_CONVOLUTION_POST_PADDINGS, p.padH(), p.padW())
                .finish();
        return keep(keep, new CudnnDescriptor(direction.operation, "convolution " + direction.label))
                .descriptors(direction.x, x)
                .descriptors(direction.w, w)
                .descriptors(direction.y, y)
                .descriptors(direction.convolution, conv)
                .floats(direction.alpha, 1f)
                .floats(direction.beta, accumulate ? 1f : 0f)
                .finish();
    }

    /** A finalized NCHW tensor (packed strides) of {@code shape}, aligned as {@code address} is. */
    private static CudnnDescriptor tensor(String name, long uid, Shape shape, int type, long address,
            List<CudnnDescriptor> keep) {
        long[] dims = shape.dims();
        long[] strides = new long[dims.length];
        long stride = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = stride;
            stride *= dims[i];
        }
        return keep(keep, new CudnnDescriptor(CUDNN_BACKEND_TENSOR_DESCRIPTOR, "tensor " + name))
                .enums(CUDNN_ATTR_TENSOR_DATA_TYPE, cudnnBackendAttributeType.CUDNN_TYPE_DATA_TYPE, type)
                .longs(CUDNN_ATTR_TENSOR_DIMENSIONS, dims)
                .longs(CUDNN_ATTR_TENSOR_STRIDES, strides)
                .longs(CUDNN_ATTR_TENSOR_UNIQUE_ID, uid)
                .longs(CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, alignment(address))
                .finish();
    }

    private static CudnnDescriptor keep(List<CudnnDescriptor> keep, CudnnDescriptor d) {
        keep.add(d);
        return d;
    }

    /** The largest power of two up to 16 that divides {@code address}: the byte alignment cuDNN may assume. */
    static long alignment(long address) {
        return Math.min(16, Long.lowestOneBit(address));
    }

    /**
     * Why configurations were not planned, counted by reason, for the error when none is left: a setup mistake (every
     * plan refused with one status) reads differently from a filter that is too strict (all dropped by their notes).
     */
    static final class Refusals {
        private final java.util.Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        private int considered;
        private boolean someDidNotRun;

        void add(String reason) {
            counts.merge(reason, 1, Integer::sum);
        }

        /** A plan that failed to run on the operands: its workspace did not fit, or cuDNN refused the execution. */
        void didNotRun(String engine) {
            add("did not run on these operands (" + engine + ")");
            someDidNotRun = true;
        }

        boolean someDidNotRun() {
            return someDidNotRun;
        }

        void considered() {
            considered++;
        }

        @Override
        public String toString() {
            StringBuilder b = new StringBuilder(considered + " configurations considered");
            counts.forEach((reason, n) -> b.append("; ").append(reason).append(n > 1 ? " ×" + n : ""));
            return b.toString();
        }
    }

    /** No engine was left for a convolution; {@code lasting} when nothing but the shape and options decided it. */
    static final class NoEngineException extends CudaCallException {
        final boolean lasting;

        NoEngineException(boolean lasting, String message) {
            super(message);
            this.lasting = lasting;
        }
    }

    /** The text of a cuDNN status. */
    private static String status(int status) {
        return jcuda.jcudnn.JCudnn.cudnnGetErrorString(status) + " (" + status + ")";
    }

    /** The engine configurations cuDNN's heuristics in {@code mode} offer for {@code graph}, best first. */
    private static List<CudnnDescriptor> engineConfigs(CudnnDescriptor graph, int mode, Refusals refusals) {
        List<CudnnDescriptor> configs = new ArrayList<>();
        try (CudnnDescriptor heuristics = new CudnnDescriptor(CUDNN_BACKEND_ENGINEHEUR_DESCRIPTOR, "heuristics")) {
            heuristics.descriptors(CUDNN_ATTR_ENGINEHEUR_OPERATION_GRAPH, graph)
                    .enums(CUDNN_ATTR_ENGINEHEUR_MODE, cudnnBackendAttributeType.CUDNN_TYPE_HEUR_MODE, mode);
            int status = heuristics.tryFinish();
            if (status != 0) { // this mode offers nothing for the graph (the fallback list may not exist for it)
                refusals.add("heuristics mode " + mode + " refused: " + status(status));
                return configs;
            }
            int count = (int) heuristics.descriptorCount(CUDNN_ATTR_ENGINEHEUR_RESULTS);
            for (int i = 0; i < count; i++) {
                configs.add(new CudnnDescriptor(CUDNN_BACKEND_ENGINECFG_DESCRIPTOR, "engine configuration"));
            }
            int filled = heuristics.descriptorValues(CUDNN_ATTR_ENGINEHEUR_RESULTS,
                    configs.toArray(CudnnDescriptor[]::new));
            while (configs.size() > filled) {
                configs.remove(configs.size() - 1).close();
            }
            return configs;
        } catch (RuntimeException e) {
            configs.forEach(CudnnDescriptor::close);
            throw e;
        }
    }

    /**
     * The execution plan of {@code config} when its engine is new ({@code seen} holds those met already: the
     * fallback list repeats engines the heuristics ranked, and finalizing a plan may compile its kernel), the
     * options allow its numerical notes and cuDNN finalizes it; else null, with the reason in {@code refusals}.
     * {@code config} is closed unless the plan keeps it.
     */
    private Plan plan(CudnnDescriptor config, DType dtype, java.util.Set<Long> seen, Refusals refusals) {
        refusals.considered();
        try {
            return planOrNull(config, dtype, seen, refusals);
        } catch (RuntimeException e) {
            config.close();
            throw e;
        }
    }

    private Plan planOrNull(CudnnDescriptor config, DType dtype, java.util.Set<Long> seen, Refusals refusals) {
        long index;
        String engine;
        try (CudnnDescriptor e = new CudnnDescriptor(CUDNN_BACKEND_ENGINE_DESCRIPTOR, "engine")) {
            config.descriptorValues(CUDNN_ATTR_ENGINECFG_ENGINE, e);
            index = e.longValue(CUDNN_ATTR_ENGINE_GLOBAL_INDEX);
            if (!seen.add(index)) {
                config.close();
                refusals.add("repeats an engine met already");
                return null;
            }
            int[] notes = e.enumValues(CUDNN_ATTR_ENGINE_NUMERICAL_NOTE,
                    cudnnBackendAttributeType.CUDNN_TYPE_NUMERICAL_NOTE, NOTE_CAPACITY);
            if (!usable(notes, dtype, gpu.options().tf32(), gpu.options().deterministic())) {
                config.close();
                refusals.add("dropped for its numerical notes" + noteNames(notes));
                return null;
            }
            engine = "engine " + index + noteNames(notes);
        }
        CudnnDescriptor plan = new CudnnDescriptor(CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR, "execution plan");
        try {
            plan.handle(CUDNN_ATTR_EXECUTION_PLAN_HANDLE, gpu.cudnn())
                    .descriptors(CUDNN_ATTR_EXECUTION_PLAN_ENGINE_CONFIG, config);
            int status = plan.tryFinish();
            if (status != 0) { // cuDNN turns down this configuration for these operands
                plan.close();
                config.close();
                refusals.add("plan refused: " + status(status));
                return null;
            }
            return new Plan(plan, plan.longValue(CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE), index, engine,
                    List.of(config));
        } catch (RuntimeException e) {
            plan.close();
            throw e;
        }
    }

    /**
     * Whether an engine with these numerical notes may serve a convolution in {@code dtype}: PyTorch's rule (never
     * one that converts its inputs to a narrower type; in float32, tensor cores (TF32) only when TF32 was asked for;
     * in deterministic mode, nothing nondeterministic) and, in a 2-byte type, no engine that sums in reduced
     * precision, since the products are summed in float32 and rounded once (as the reference computes them).
     */
    static boolean usable(int[] notes, DType dtype, boolean tf32, boolean deterministic) {
        for (int note : notes) {
            if (note == cudnnBackendNumericalNote.CUDNN_NUMERICAL_NOTE_DOWN_CONVERT_INPUTS
                    || note == cudnnBackendNumericalNote.CUDNN_NUMERICAL_NOTE_TENSOR_CORE && dtype == DType.F32 && !tf32
                    || note == cudnnBackendNumericalNote.CUDNN_NUMERICAL_NOTE_NONDETERMINISTIC && deterministic
                    || note == cudnnBackendNumericalNote.CUDNN_NUMERICAL_NOTE_REDUCED_PRECISION_REDUCTION
                            && dtype.isLowPrecision()) {
                return false;
            }
        }
        return true;
    }

    /** The notes as the kernel trace shows them, e.g. {@code " [tensor core, winograd]"}; empty for none. */
    static String noteNames(int[] notes) {
        List<String> names = new ArrayList<>();
        for (int note : notes) {
            names.add(switch (note) {
                case cudnnBackendNumericalNote.CUDNN_NUMERICAL_NOTE_TENSOR_CORE -> "tensor core";
                case cudnnBackendNumericalNote.CUDNN_NUMERICAL_NOTE_DOWN_CONVERT_INPUTS -> "down-converts inputs";
                case cudnnBackendNumericalNote.CUDNN_NUMERICAL_NOTE_REDUCED_PRECISION_REDUCTION -> "reduced-precision sum";
                case cudnnBackendNumericalNote.CUDNN_NUMERICAL_NOTE_FFT -> "fft";
                case cudnnBackendNumericalNote.CUDNN_NUMERICAL_NOTE_NONDETERMINISTIC -> "nondeterministic";
                case cudnnBackendNumericalNote.CUDNN_NUMERICAL_NOTE_WINOGRAD -> "winograd";
                default -> "note " + note;
            });
        }
        return names.isEmpty() ? "" : " " + names;
    }

    /**
     * The candidate that runs fastest on these operands; one that fails to run or lacks memory is passed over. A plan
     * that accumulates into its output is timed on {@code scratchBytes} of scratch output instead, since each trial
     * run would add to the real one.
     */
    private Plan fastest(List<Plan> candidates, long[] addresses, long scratchBytes) {
        Plan best = onTrialOperands(addresses, scratchBytes, trial -> {
            Plan fastest = null;
            float bestMs = Float.POSITIVE_INFINITY;
            for (Plan c : candidates) {
                float ms = time(c, trial);
                if (ms < bestMs) {
                    bestMs = ms;
                    fastest = c;
                }
            }
            return fastest;
        });
        if (best == null) {
            List<String> engines = candidates.stream().map(Plan::engine).toList();
            throw new CudaCallException("none of cuDNN's " + candidates.size() + " convolution plans ran: " + engines);
        }
        return best;
    }

    /** Whether {@code c} runs on these operands (its workspace fits and cuDNN executes it), as {@link #fastest} tries. */
    private boolean runs(Plan c, long[] addresses, long scratchBytes) {
        return onTrialOperands(addresses, scratchBytes, trial -> Float.isFinite(time(c, trial)));
    }

    /**
     * {@code work} on the call's operand addresses, the output replaced by {@code scratchBytes} of scratch when the
     * plan accumulates into it (each trial run would add to the real output).
     */
    private <T> T onTrialOperands(long[] addresses, long scratchBytes, java.util.function.Function<long[], T> work) {
        CachingAllocator.Block<jcuda.driver.CUdeviceptr> scratch = scratchBytes == 0 ? null
                : gpu.allocator().allocate(scratchBytes);
        try {
            return work.apply(scratch == null ? addresses
                    : new long[] {addresses[0], addresses[1], NativeAddress.of(scratch.handle())});
        } finally {
            if (scratch != null) {
                gpu.allocator().free(scratch);
            }
        }
    }

    /** Milliseconds of {@value #TIMED_RUNS} runs after one warm-up, by events on the stream; infinity if it failed. */
    private float time(Plan c, long[] addresses) {
        CachingAllocator.Block<jcuda.driver.CUdeviceptr> block;
        try {
            block = c.workspace() == 0 ? null : gpu.allocator().allocate(c.workspace());
        } catch (CudaOutOfMemoryException e) {
            return Float.POSITIVE_INFINITY; // its workspace does not fit beside what the step holds
        }
        CUevent start = new CUevent();
        CUevent stop = new CUevent();
        try (CudnnDescriptor pack = variantPack(addresses, block == null ? 0 : NativeAddress.of(block.handle()))) {
            CudaStatus.driver(JCudaDriver.cuEventCreate(start, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
            CudaStatus.driver(JCudaDriver.cuEventCreate(stop, CUevent_flags.CU_EVENT_DEFAULT), "cuEventCreate");
            if (JCudnn.cudnnBackendExecute(gpu.cudnn(), c.plan().handle(), pack.handle()) != 0) {
                return Float.POSITIVE_INFINITY;
            }
            CudaStatus.driver(JCudaDriver.cuEventRecord(start, gpu.stream()), "cuEventRecord");
            for (int i = 0; i < TIMED_RUNS; i++) {
                if (JCudnn.cudnnBackendExecute(gpu.cudnn(), c.plan().handle(), pack.handle()) != 0) {
                    return Float.POSITIVE_INFINITY;
                }
            }
            CudaStatus.driver(JCudaDriver.cuEventRecord(stop, gpu.stream()), "cuEventRecord");
            CudaStatus.driver(JCudaDriver.cuEventSynchronize(stop), "cuEventSynchronize(convolution plan timing)");
            float[] ms = new float[1];
            CudaStatus.driver(JCudaDriver.cuEventElapsedTime(ms, start, stop), "cuEventElapsedTime");
            return ms[0];
        } finally {
            JCudaDriver.cuEventDestroy(start);
            JCudaDriver.cuEventDestroy(stop);
            if (block != null) {
                gpu.allocator().free(block);
            }
        }
    }
}
