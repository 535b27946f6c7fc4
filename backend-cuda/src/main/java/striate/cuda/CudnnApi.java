package striate.cuda;

import java.util.Locale;

/**
 * Which of cuDNN's two interfaces plans the convolutions ({@code -Dstriate.cuda.cudnnApi=legacy|graph}).
 * {@link #LEGACY}: the algorithm enums of {@code cudnnFind*} / {@code cudnnGet*_v7} ({@link LegacyConvolutionCalls}).
 * {@link #GRAPH}: cuDNN's graph (backend) API, an operation graph per convolution, the engine configurations its
 * heuristics offer, timed ({@link GraphConvolutionCalls}); it reaches the engines the legacy enums cannot name, such
 * as Hopper's tensor-core kernels.
 */
public enum CudnnApi {
    LEGACY, GRAPH;

    /** {@code legacy} or {@code graph} (any case); anything else is refused in one line naming the choices. */
    public static CudnnApi parse(String name) {
        for (CudnnApi api : values()) {
            if (api.name().equalsIgnoreCase(name.trim())) {
                return api;
            }
        }
        throw new IllegalArgumentException("striate.cuda.cudnnApi must be legacy or graph, got '" + name + "'");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
