package striate.tensor;

/**
 * Memory a {@link MemoryScope} can own: host pool blocks ({@link HostStorage}) and device memory (the CUDA backend's
 * storage). Backends hand what they allocate to {@link MemoryScope#adopt}; the scope calls these methods.
 */
public interface ScopeOwned {
    /** Gives the memory back now, because the scope that owned it closed; every later use must fail. */
    void release();

    /** Kept past the outermost scope: from now on it is freed like memory allocated outside any scope. */
    void leaveScopes();

    /** True once {@link #release} gave the memory back. */
    boolean released();
}
