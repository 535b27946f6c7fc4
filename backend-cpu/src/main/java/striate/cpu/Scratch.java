package striate.cpu;

/**
 * Float arrays a kernel reuses from call to call, one set per thread, so that a training step's panels do not
 * allocate: arrays of a megabyte or more are humongous objects to G1, and allocating them on every call triggered a
 * collection every few calls. An array is grown when a call needs more and never shrinks; its contents are left from
 * earlier calls, so callers write every element they later read and pass explicit lengths. Slots are numbered by the
 * kernel; a slot used around a pool's {@code forEach} must differ from those its tasks use, since the calling thread
 * runs tasks too.
 */
final class Scratch {
    private final ThreadLocal<float[][]> slots;

    Scratch(int slotCount) {
        this.slots = ThreadLocal.withInitial(() -> new float[slotCount][0]);
    }

    /** This thread's array in {@code slot}, at least {@code size} long. */
    float[] floats(int slot, int size) {
        float[][] mine = slots.get();
        if (mine[slot].length < size) {
            mine[slot] = new float[size];
        }
        return mine[slot];
    }
}
