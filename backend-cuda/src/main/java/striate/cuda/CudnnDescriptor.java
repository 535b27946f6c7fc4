package striate.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.jcudnn.JCudnn;
import jcuda.jcudnn.cudnnBackendAttributeName;
import jcuda.jcudnn.cudnnBackendAttributeType;
import jcuda.jcudnn.cudnnBackendDescriptor;

/**
 * One descriptor of cuDNN's graph (backend) API: created by type, given attributes, finalized, destroyed on close.
 * Attribute values travel through native memory: JCudnn hands cuDNN a pointer's address as it is, so the Java arrays
 * JCuda pins for other calls cannot carry them. Enumerations are C ints (4 bytes), counts and sizes int64,
 * descriptors, handles and device addresses 8-byte pointers. Every failing call throws a {@link CudaCallException}
 * naming the descriptor and the attribute.
 */
final class CudnnDescriptor implements AutoCloseable {
    private final cudnnBackendDescriptor handle = new cudnnBackendDescriptor();
    private final String name;
    private boolean open;

    /** Creates a descriptor of {@code type} (a {@code cudnnBackendDescriptorType}); {@code name} is for messages. */
    CudnnDescriptor(int type, String name) {
        this.name = name;
        CudaStatus.cudnn(JCudnn.cudnnBackendCreateDescriptor(type, handle), "cudnnBackendCreateDescriptor(" + name + ")");
        open = true;
    }

    CudnnDescriptor longs(int attribute, long... values) {
        return set(attribute, cudnnBackendAttributeType.CUDNN_TYPE_INT64, values.length, ValueLayout.JAVA_LONG,
                values);
    }

    /** Sets enumerations of {@code type} ({@code CUDNN_TYPE_DATA_TYPE}, {@code CUDNN_TYPE_HEUR_MODE}, ...). */
    CudnnDescriptor enums(int attribute, int type, int... values) {
        return set(attribute, type, values.length, ValueLayout.JAVA_INT, values);
    }

    CudnnDescriptor floats(int attribute, float... values) {
        return set(attribute, cudnnBackendAttributeType.CUDNN_TYPE_FLOAT, values.length, ValueLayout.JAVA_FLOAT,
                values);
    }

    CudnnDescriptor descriptors(int attribute, CudnnDescriptor... values) {
        long[] addresses = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            addresses[i] = values[i].address();
        }
        return set(attribute, cudnnBackendAttributeType.CUDNN_TYPE_BACKEND_DESCRIPTOR, values.length,
                ValueLayout.JAVA_LONG, addresses);
    }

    /** Sets a library handle (a cudnnHandle_t). */
    CudnnDescriptor handle(int attribute, NativePointerObject library) {
        return set(attribute, cudnnBackendAttributeType.CUDNN_TYPE_HANDLE, 1, ValueLayout.JAVA_LONG,
                new long[] {NativeAddress.handle(library)});
    }

    /** Sets device addresses ({@code CUDNN_TYPE_VOID_PTR}); 0 stands for null. */
    CudnnDescriptor addresses(int attribute, long... values) {
        return set(attribute, cudnnBackendAttributeType.CUDNN_TYPE_VOID_PTR, values.length, ValueLayout.JAVA_LONG,
                values);
    }

    private CudnnDescriptor set(int attribute, int type, int count, ValueLayout layout, Object values) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(layout.byteSize() * Math.max(1, count), 8);
            MemorySegment.copy(values, 0, memory, layout, 0, count);
            CudaStatus.cudnn(JCudnn.cudnnBackendSetAttribute(handle, attribute, type, count, at(memory)),
                    "cudnnBackendSetAttribute(" + name + ", " + cudnnBackendAttributeName.stringFor(attribute) + ")");
        }
        return this;
    }

    /** Finalizes the descriptor; a refusal throws. */
    CudnnDescriptor finish() {
        CudaStatus.cudnn(tryFinish(), "cudnnBackendFinalize(" + name + ")");
        return this;
    }

    /** Finalizes the descriptor and returns cuDNN's status (0 when it was accepted). */
    int tryFinish() {
        return JCudnn.cudnnBackendFinalize(handle);
    }

    /** One int64 attribute of a finalized descriptor. */
    long longValue(int attribute) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(ValueLayout.JAVA_LONG);
            get(attribute, cudnnBackendAttributeType.CUDNN_TYPE_INT64, 1, memory);
            return memory.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** Up to {@code max} enumerations of {@code type}, as many as the descriptor holds. */
    int[] enumValues(int attribute, int type, int max) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(ValueLayout.JAVA_INT, max);
            long count = get(attribute, type, max, memory);
            return memory.asSlice(0, count * Integer.BYTES).toArray(ValueLayout.JAVA_INT);
        }
    }

    /** How many elements a descriptor-valued attribute holds. */
    long descriptorCount(int attribute) {
        long[] count = new long[1];
        CudaStatus.cudnn(JCudnn.cudnnBackendGetAttribute(handle, attribute,
                cudnnBackendAttributeType.CUDNN_TYPE_BACKEND_DESCRIPTOR, 0, count, null),
                "cudnnBackendGetAttribute(" + name + ", " + cudnnBackendAttributeName.stringFor(attribute) + ", count)");
        return count[0];
    }

    /**
     * Fills {@code into} (created, not finalized, of the attribute's descriptor type) with a descriptor-valued
     * attribute's elements; returns how many were filled.
     */
    int descriptorValues(int attribute, CudnnDescriptor... into) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(ValueLayout.JAVA_LONG, into.length);
            for (int i = 0; i < into.length; i++) {
                memory.setAtIndex(ValueLayout.JAVA_LONG, i, into[i].address());
            }
            return (int) get(attribute, cudnnBackendAttributeType.CUDNN_TYPE_BACKEND_DESCRIPTOR, into.length, memory);
        }
    }

    private long get(int attribute, int type, long requested, MemorySegment memory) {
        long[] count = new long[1];
        CudaStatus.cudnn(JCudnn.cudnnBackendGetAttribute(handle, attribute, type, requested, count, at(memory)),
                "cudnnBackendGetAttribute(" + name + ", " + cudnnBackendAttributeName.stringFor(attribute) + ")");
        return Math.min(count[0], requested);
    }

    cudnnBackendDescriptor handle() {
        return handle;
    }

    private long address() {
        return NativeAddress.handle(handle);
    }

    @Override
    public void close() {
        if (open) {
            open = false;
            JCudnn.cudnnBackendDestroyDescriptor(handle);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private static Pointer at(MemorySegment memory) {
        return new HostPointer(memory.address());
    }

    /** A JCuda pointer holding a native address, as cuDNN's attribute calls read it. */
    private static final class HostPointer extends Pointer {
        HostPointer(long address) {
            super(address);
        }
    }
}
