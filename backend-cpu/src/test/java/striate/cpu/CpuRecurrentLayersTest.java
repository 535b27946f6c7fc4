package striate.cpu;

import striate.tensor.Device;
import striate.testing.RecurrentConformance;

/**
 * The recurrent layers on the CPU backend: variable lengths against sequences run alone, whole modules (LSTM, GRU,
 * tanh and ReLU RNN; two layers, bidirectional, batch-first, with and without lengths) against the reference, and an
 * LSTM learning a toy task.
 */
class CpuRecurrentLayersTest extends RecurrentConformance {
    @Override
    protected Device device() {
        return Device.cpu();
    }
}
