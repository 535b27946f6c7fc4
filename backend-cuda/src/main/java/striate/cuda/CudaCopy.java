package striate.cuda;

import static striate.cuda.CudaBackend.base;
import static striate.cuda.CudaBackend.pointer;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import striate.backend.CopyPlan;
import striate.backend.HostCopy;
import striate.backend.TrafficCounter;
import striate.op.CopyOp;
import striate.tensor.HostStorage;
import striate.tensor.Tensor;

/**
 * The CUDA backend's copy primitive ({@link CudaBackend#copy}): the elements of one view into another, as bytes,
 * moving the views' elements only.
 * <ul>
 * <li>Within one device, on its stream: a contiguous pair is one {@code cuMemcpyDtoDAsync}; a strided source into
 * a contiguous destination is one launch of the copy kernel (which reads any view, broadcast included); otherwise
 * one {@code cuMemcpy2DAsync} per row set of the {@link CopyPlan} (a strided 2-D box is one call).</li>
 * <li>From another device (another GPU, or another backend instance of this GPU with its own stream): the source,
 * made contiguous on its device, is final once that device's stream is drained; then one peer copy on the
 * destination's stream lands it in the destination (or in a contiguous temporary there, copied on as above), and
 * the destination's stream is drained before returning, so either side may be reused at once.</li>
 * <li>To or from host memory: the view's bytes only, through the pinned staging buffer; a strided device view goes
 * through a contiguous temporary on the device, a strided host view is packed or unpacked by {@link HostCopy}.</li>
 * </ul>
 * Callers hold no device lock; each step takes the lock of the device it queues work on.
 */
final class CudaCopy {
    /** cuMemcpy2D's largest pitch (CU_DEVICE_ATTRIBUTE_MAX_PITCH, 2^31 − 1 bytes on current GPUs). */
    private static final long MAX_PITCH = Integer.MAX_VALUE;

    private CudaCopy() {
    }

    /** dst = src (same shape and dtype, dst not broadcast, at least one side CUDA memory); counts the bytes. */
    static void copy(TrafficCounter traffic, Tensor src, Tensor dst) {
        long bytes = src.size() * src.dtype().bytes();
        boolean fromGpu = src.storage() instanceof CudaStorage;
        boolean toGpu = dst.storage() instanceof CudaStorage;
        if (fromGpu && toGpu) {
            betweenDevices(src, dst, bytes);
            traffic.deviceToDevice(bytes);
        } else if (toGpu && src.storage() instanceof HostStorage) {
            hostToDevice(src, dst, bytes);
            traffic.hostToDevice(bytes);
        } else if (fromGpu && dst.storage() instanceof HostStorage) {
            deviceToHost(src, dst, bytes);
            traffic.deviceToHost(bytes);
        } else {
            throw new IllegalArgumentException("the cuda backend copies to or from CUDA memory, not " + src.device()
                    + " → " + dst.device());
        }
    }

    private static void betweenDevices(Tensor src, Tensor dst, long bytes) {
        CudaBackend from = CudaBackend.of(src);
        CudaBackend to = CudaBackend.of(dst);
        if (from == to) {
            synchronized (to.gpu()) {
                to.gpu().activate();
                within(to, src, dst);
            }
            return;
        }
        Tensor dense;
        synchronized (from.gpu()) {
            from.gpu().activate();
            dense = CudaBackend.contiguous(src);
            from.gpu().synchronize(); // the source's values are final before another stream reads them
        }
        try {
            synchronized (to.gpu()) {
                to.gpu().activate();
                Tensor landing = dst.isContiguous() ? dst : Tensor.output(to, dst.shape(), dst.dtype());
                try {
                    to.gpu().copyFromPeer(from.gpu(), pointer(dense), pointer(landing), bytes);
                    if (landing != dst) {
                        within(to, landing, dst);
                    }
                    to.gpu().synchronize(); // done with the source before its own stream may overwrite it
                } finally {
                    release(landing, dst);
                }
            }
        } finally {
            release(dense, src);
        }
    }

    /** dst = src on one device, queued on its stream; the caller holds its lock. */
    private static void within(CudaBackend b, Tensor src, Tensor dst) {
        if (dst.isContiguous() && !src.isContiguous()) {
            CudaElementwise.copy(new CopyOp(), new Tensor[] {src}, dst);
            return;
        }
        if (broadcast(src)) { // a 2-D copy cannot repeat rows: densify first
            withinDense(b, src, dst);
            return;
        }
        CudaDevice gpu = b.gpu();
        long eb = src.dtype().bytes();
        CopyPlan plan = CopyPlan.of(src.shape().dims(), src.strides(), src.offset(), dst.strides(), dst.offset());
        long width = plan.run() * eb;
        if (plan.rank() == 0) {
            gpu.copyWithin(pointer(src), pointer(dst), width);
            return;
        }
        int last = plan.rank() - 1;
        long height = plan.dims()[last];
        long srcPitch = plan.srcStrides()[last] * eb;
        long dstPitch = plan.dstStrides()[last] * eb;
        if ((srcPitch < width || srcPitch > MAX_PITCH) && !src.isContiguous()) { // overlapping or far rows: densify
            withinDense(b, src, dst);
            return;
        }
        if (srcPitch > MAX_PITCH || dstPitch < width || dstPitch > MAX_PITCH) {
            throw new UnsupportedOperationException("a copy on " + gpu + " between views whose rows lie more than 2^31"
                    + " bytes apart or overlap (" + src.shape() + " with strides " + Arrays.toString(src.strides())
                    + " into strides " + Arrays.toString(dst.strides()) + "); copy through a contiguous tensor");
        }
        plan.forEach(1, (so, to) -> gpu.copyRows(base(src), so * eb, srcPitch, base(dst), to * eb, dstPitch, width,
                height));
    }

    /** dst = src through a dense copy of src, for sources a 2-D copy cannot read. */
    private static void withinDense(CudaBackend b, Tensor src, Tensor dst) {
        Tensor dense = CudaBackend.contiguous(src);
        try {
            within(b, dense, dst);
        } finally {
            release(dense, src);
        }
    }

    private static void hostToDevice(Tensor src, Tensor dst, long bytes) {
        MemorySegment packed = packed(src, bytes);
        CudaBackend to = CudaBackend.of(dst);
        synchronized (to.gpu()) {
            to.gpu().activate();
            Tensor landing = dst.isContiguous() ? dst : Tensor.output(to, dst.shape(), dst.dtype());
            try {
                to.gpu().copyToDevice(packed, pointer(landing), bytes);
                if (landing != dst) {
                    within(to, landing, dst);
                }
            } finally {
                release(landing, dst);
            }
        }
    }

    private static void deviceToHost(Tensor src, Tensor dst, long bytes) {
        HostStorage h = (HostStorage) dst.storage();
        MemorySegment target = dst.isContiguous()
                ? h.segment().asSlice(dst.offset() * dst.dtype().bytes(), bytes)
                : Arena.ofAuto().allocate(bytes, 64);
        CudaBackend from = CudaBackend.of(src);
        synchronized (from.gpu()) {
            from.gpu().activate();
            Tensor dense = CudaBackend.contiguous(src);
            try {
                from.gpu().copyToHost(pointer(dense), target, bytes);
            } finally {
                release(dense, src);
            }
        }
        if (!dst.isContiguous()) {
            HostCopy.copy(target, dst);
        }
    }

    /** The host view's bytes in row-major order: its own memory when contiguous, else a packed copy. */
    private static MemorySegment packed(Tensor t, long bytes) {
        MemorySegment s = ((HostStorage) t.storage()).segment();
        if (t.isContiguous()) {
            return s.asSlice(t.offset() * t.dtype().bytes(), bytes);
        }
        MemorySegment p = Arena.ofAuto().allocate(bytes, 64);
        HostCopy.copy(t, p);
        return p;
    }

    private static boolean broadcast(Tensor t) {
        long[] strides = t.strides();
        for (int a = 0; a < strides.length; a++) {
            if (strides[a] == 0 && t.dim(a) > 1) {
                return true;
            }
        }
        return false;
    }

    /** Frees a temporary made for {@code original} (nothing when it is the original itself). */
    private static void release(Tensor temporary, Tensor original) {
        if (temporary != original) {
            ((CudaStorage) temporary.storage()).close();
        }
    }
}
