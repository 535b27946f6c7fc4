package striate.cli;

import picocli.CommandLine.Option;
import striate.backend.Backends;
import striate.tensor.Device;

/**
 * The {@code --device} option every command that computes shares (a picocli mixin): reference, cpu or cuda:<index>,
 * cpu by default; a bad spelling is a usage error naming the accepted ones ({@link DeviceConverter}).
 */
final class DeviceOption {
    @Option(names = "--device", defaultValue = "cpu", converter = DeviceConverter.class, paramLabel = "<device>",
            description = "reference, cpu or cuda:<index> (default: ${DEFAULT-VALUE}).")
    Device device;

    /** The device, after checking that its backend can run: an unavailable one fails here, in one line. */
    Device available() {
        Backends.of(device);
        return device;
    }
}
