package striate.parallel;

import java.util.List;
import java.util.Optional;
import striate.tensor.Device;

/**
 * A collective library that can sum gradient buckets between the replicas' devices directly (NCCL between NVIDIA
 * GPUs), found with {@link java.util.ServiceLoader}: a backend jar lists its engine in
 * {@code META-INF/services/striate.parallel.CollectiveEngine}. {@link ExchangeChoice} asks each engine found whether
 * it can serve a set of devices and says which one a {@link DataParallel} uses, and why.
 */
public interface CollectiveEngine {
    /** The engine's short name, as logs and {@code striate doctor} print it: {@code nccl}. */
    String name();

    /**
     * Why this engine cannot sum buffers on {@code devices} (distinct devices, one replica each), in one line naming
     * what is missing and how to fix it; empty when it can.
     */
    Optional<String> unavailable(List<Device> devices);

    /** An exchange between {@code devices}, replica r on the r-th; call only when {@link #unavailable} is empty. */
    GradientExchange open(List<Device> devices);
}
