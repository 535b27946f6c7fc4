package striate.cuda;

/**
 * Counters of one {@link CachingAllocator}, in bytes of size-class blocks: handed out now ({@code inUse}), the most
 * ever handed out at once ({@code peak}), held free for reuse ({@code cached}), held free in the pools of CUDA
 * graphs not yet destroyed for their replays ({@code graphCached}, given back when a graph is closed); plus how many
 * requests the device allocator served ({@code deviceAllocations}) and how many the cache served ({@code reuses}).
 */
public record AllocatorStats(long inUse, long peak, long cached, long graphCached, long deviceAllocations,
                             long reuses) {
    @Override
    public String toString() {
        return "in use " + mib(inUse) + ", peak " + mib(peak) + ", cached " + mib(cached)
                + (graphCached > 0 ? ", in CUDA graphs' pools " + mib(graphCached) : "") + " (" + deviceAllocations
                + " device allocations, " + reuses + " reuses)";
    }

    private static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / (double) (1 << 20));
    }
}
