package striate.cpu;

import striate.tensor.Device;
import striate.testing.GenerativeLayersConformance;

/** ConvTranspose2d, Upsample and the DCGAN generators on the CPU backend against the reference (core's test-jar). */
class CpuGenerativeLayersTest extends GenerativeLayersConformance {
    @Override
    protected Device device() {
        return Device.cpu();
    }

    @Override
    protected String convKernel() {
        return "CpuConv2d";
    }
}
