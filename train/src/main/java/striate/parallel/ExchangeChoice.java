package striate.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import striate.tensor.Device;

/**
 * Which {@link GradientExchange} a {@link DataParallel} uses on its devices, and why, decided once when it is built:
 * <ul>
 * <li>a {@link CollectiveEngine} (NCCL) when the replicas are on distinct GPUs and the engine says it can serve
 *     them;</li>
 * <li>otherwise the in-process {@link RingAllReduce}: for one replica, for host devices (reference, cpu), for
 *     replicas that share a GPU (a collective library runs one rank per GPU), and when no engine can serve the
 *     GPUs, with the engine's reason (library not found, no driver).</li>
 * </ul>
 * An exchange given to the builder is used as it is. The reason is one line for the log and for tests.
 */
public record ExchangeChoice(String name, String reason, Optional<CollectiveEngine> engine) {
    /** The choice for {@code devices} among the engines on the class path. */
    public static ExchangeChoice forDevices(List<Device> devices) {
        List<CollectiveEngine> engines = new ArrayList<>();
        ServiceLoader.load(CollectiveEngine.class).forEach(engines::add);
        return choose(devices, engines);
    }

    /** The choice for {@code devices} among {@code engines}, asked in order. */
    public static ExchangeChoice choose(List<Device> devices, List<CollectiveEngine> engines) {
        if (devices.size() == 1) {
            return ring("one replica: nothing to exchange");
        }
        List<Device> host = devices.stream().filter(Device::isHost).distinct().toList();
        if (!host.isEmpty()) {
            return ring("replicas on host devices " + host + " sum through the in-process ring");
        }
        List<Device> shared = devices.stream().filter(d -> devices.indexOf(d) != devices.lastIndexOf(d)).distinct()
                .toList();
        if (!shared.isEmpty()) {
            return ring("replicas share " + shared + "; a collective library needs one GPU per replica, so the ring"
                    + " sums the device buffers");
        }
        if (engines.isEmpty()) {
            return ring("no collective engine on the class path (striate-backend-cuda provides NCCL)");
        }
        List<String> reasons = new ArrayList<>();
        for (CollectiveEngine e : engines) {
            Optional<String> why = e.unavailable(devices);
            if (why.isEmpty()) {
                return new ExchangeChoice(e.name(), "replicas on distinct GPUs " + devices, Optional.of(e));
            }
            reasons.add(e.name() + " unavailable: " + why.get());
        }
        return ring(String.join("; ", reasons));
    }

    /** An exchange the caller gave explicitly. */
    static ExchangeChoice given(GradientExchange exchange) {
        return new ExchangeChoice(exchange.getClass().getSimpleName(), "given to the builder", Optional.empty());
    }

    private static ExchangeChoice ring(String reason) {
        return new ExchangeChoice("ring", reason, Optional.empty());
    }

    @Override
    public String toString() {
        return name + " (" + reason + ")";
    }
}
