package striate.bench;

import striate.nn.Losses;
import striate.nn.Parameter;
import striate.nn.Sequential;
import striate.tensor.Device;
import striate.tensor.Tensor;

/** The check every benchmark runs before timing: its result against the reference backend's. */
final class Agreement {
    private Agreement() {
    }

    /**
     * Fails unless |got − want| ≤ atol + rtol·|want| everywhere, naming the benchmark, the first bad index and
     * both values.
     */
    static void assertClose(String what, float[] want, float[] got, double rtol, double atol) {
        if (want.length != got.length) {
            throw new IllegalStateException(what + ": " + got.length + " values, the reference has " + want.length);
        }
        for (int i = 0; i < want.length; i++) {
            if (!(Math.abs(got[i] - want[i]) <= atol + rtol * Math.abs(want[i]))) {
                throw new IllegalStateException(what + " disagrees with the reference backend at index " + i
                        + ": reference " + want[i] + ", got " + got[i]);
            }
        }
    }

    /**
     * One cross-entropy step of the same model on the reference and the CPU backend (inputs uniform from seed 1,
     * labels from seed 2, both in {@code inputDims[0]} images): the losses agree, and so does every gradient.
     */
    static void assertTrainingStepMatches(String what, Sequential ref, Sequential cpu, int classes, long... inputDims) {
        int n = Math.toIntExact(inputDims[0]);
        Tensor lossRef = Losses.crossEntropy(ref.forward(Inputs.uniform(Device.reference(), 1, inputDims)),
                Inputs.labels(Device.reference(), 2, n, classes));
        Tensor lossCpu = Losses.crossEntropy(cpu.forward(Inputs.uniform(Device.cpu(), 1, inputDims)),
                Inputs.labels(Device.cpu(), 2, n, classes));
        lossRef.backward();
        lossCpu.backward();
        assertClose(what + " loss", new float[] {(float) lossRef.item()}, new float[] {(float) lossCpu.item()}, 1e-4,
                1e-5);
        for (var e : ref.namedParameters().entrySet()) {
            Parameter p = cpu.namedParameters().get(e.getKey());
            assertClose(what + " gradient " + e.getKey(), e.getValue().grad().toFloatArray(), p.grad().toFloatArray(),
                    1e-3, 1e-5);
        }
    }
}
