package striate.cpu;

import striate.tensor.Device;
import striate.testing.OpConformance;

/** Every non-view op on {@code Device.cpu()} against the reference (the suite lives in core's test-jar). */
class CpuConformanceTest extends OpConformance {
    @Override
    protected Device device() {
        return Device.cpu();
    }
}
