package striate.reference;

import striate.backend.Backend;
import striate.backend.BackendProvider;
import striate.tensor.Device;

/** Registers the reference backend; it runs everywhere. */
public final class ReferenceProvider implements BackendProvider {
    @Override
    public Device.Kind kind() {
        return Device.Kind.REFERENCE;
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public Backend create(Device device) {
        return new ReferenceBackend(device);
    }
}
