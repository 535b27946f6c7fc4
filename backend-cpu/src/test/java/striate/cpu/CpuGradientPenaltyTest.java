package striate.cpu;

import striate.tensor.Device;
import striate.testing.GradientPenaltyConformance;

/** WGAN-GP's gradient penalty and its parameter gradients on the CPU backend against the reference (core's test-jar). */
class CpuGradientPenaltyTest extends GradientPenaltyConformance {
    @Override
    protected Device device() {
        return Device.cpu();
    }

    @Override
    protected String convKernel() {
        return "CpuConv2d";
    }
}
