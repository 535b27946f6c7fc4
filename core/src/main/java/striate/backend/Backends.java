package striate.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import striate.tensor.Device;

/**
 * Finds backend modules on the class path and hands out one backend per device. Which backend runs is
 * always the caller's explicit choice of {@link Device}; there is no fallback from one to another.
 */
public final class Backends {
    private static final List<BackendProvider> PROVIDERS = load();
    private static final Map<Device, Backend> BY_DEVICE = new ConcurrentHashMap<>();

    private Backends() {
    }

    private static List<BackendProvider> load() {
        List<BackendProvider> found = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class).forEach(found::add);
        return List.copyOf(found);
    }

    /** The backend for {@code device}, or an error saying which module or library is missing. */
    public static Backend of(Device device) {
        return BY_DEVICE.computeIfAbsent(device, d -> {
            BackendProvider p = provider(d.kind());
            String reason = p.unavailableReason();
            if (reason != null) {
                throw new IllegalStateException("device " + d + " is unavailable: " + reason);
            }
            return p.create(d);
        });
    }

    /** True when a backend for {@code kind} is on the class path and usable here. */
    public static boolean available(Device.Kind kind) {
        return PROVIDERS.stream().anyMatch(p -> p.kind() == kind && p.unavailableReason() == null);
    }

    /** One line per device family: available, or why not. For `striate doctor` and error messages. */
    public static List<String> diagnostics() {
        List<String> lines = new ArrayList<>();
        for (Device.Kind k : Device.Kind.values()) {
            BackendProvider p = PROVIDERS.stream().filter(q -> q.kind() == k).findFirst().orElse(null);
            String state = p == null ? "not on the class path" : p.unavailableReason() == null ? "available"
                    : "unavailable: " + p.unavailableReason();
            lines.add(k.label() + ": " + state);
        }
        return lines;
    }

    private static BackendProvider provider(Device.Kind kind) {
        return PROVIDERS.stream().filter(p -> p.kind() == kind).findFirst().orElseThrow(() ->
                new IllegalStateException("no backend for " + kind.label() + " devices on the class path; add the "
                        + "striate-backend-" + kind.label() + " module"));
    }
}
