package striate.reference;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import striate.backend.Backend;
import striate.backend.Backends;
import striate.backend.HostBackend;
import striate.op.KernelTable;
import striate.op.Op;
import striate.op.UnaryFn;
import striate.op.UnaryOp;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.OpConformance;

/**
 * The conformance suite run with the reference on both sides: proves the suite runs in core (every case
 * executes and compares), and that it catches a kernel that is wrong by a little.
 */
class ReferenceConformanceTest extends OpConformance {
    @Override
    protected Device device() {
        return Device.reference();
    }

    @Test
    void suiteCatchesAKernelThatIsSlightlyWrong() {
        KernelTable table = KernelTable.builder("off-by-a-little")
                .put(UnaryOp.class, "OffByALittle", (op, in, out) -> {
                    double[] x = in[0].toDoubleArray();
                    for (int i = 0; i < x.length; i++) {
                        x[i] = op.fn().apply(x[i]) + (i == 5 ? 1e-3 : 0);
                    }
                    out.copyFrom(x);
                })
                .build();
        Backend wrong = new HostBackend() {
            @Override
            public Device device() {
                return Device.reference();
            }

            @Override
            public String name() {
                return "off-by-a-little";
            }

            @Override
            public KernelTable kernels() {
                return table;
            }
        };
        Case tanh = cases().stream().filter(c -> c.op() instanceof UnaryOp u && u.fn() == UnaryFn.TANH)
                .findFirst().orElseThrow();
        AssertionError e = assertThrows(AssertionError.class,
                () -> compare(tanh, Backends.of(Device.reference()), wrong));
        assertTrue(e.getMessage().contains("1 of ") && e.getMessage().contains("(index ref got):\n  5 "),
                e.getMessage());
    }

    @Test
    void suiteCatchesAResultOnTheWrongDevice() {
        Case any = cases().getFirst();
        Backend elsewhere = new HostBackend() {
            @Override
            public Device device() {
                return Device.reference();
            }

            @Override
            public String name() {
                return "elsewhere";
            }

            @Override
            public KernelTable kernels() {
                return ReferenceBackend.KERNELS;
            }

            @Override
            public Tensor execute(Op op, Tensor... inputs) {
                return Tensor.zeros(new Device(Device.Kind.REFERENCE, 1), inputs[0].dtype(), inputs[0].shape().dims());
            }
        };
        AssertionError e = assertThrows(AssertionError.class,
                () -> compare(any, Backends.of(Device.reference()), elsewhere));
        assertTrue(e.getMessage().contains("is on reference:1"), e.getMessage());
    }

    /**
     * Kernel outputs start as NaN under test (striate.poisonUninitialized), and the comparison lets NaN match NaN,
     * so a reference kernel that leaves part of its output unwritten would pass against itself: check that every
     * case's reference results are NaN-free on its finite inputs.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("striate.testing.OpConformance#cases")
    void referenceWritesEveryOutputElement(Case c) {
        Backend reference = Backends.of(Device.reference());
        Tensor[] inputs = c.inputsOn(Device.reference());
        // log and sqrt of a negative input (log1p of one below −1) are NaN by definition; everywhere else NaN means an
        // unwritten element.
        boolean nanForNegatives = c.op() instanceof UnaryOp u && (u.fn() == UnaryFn.LOG || u.fn() == UnaryFn.SQRT);
        boolean nanBelowMinusOne = c.op() instanceof UnaryOp u && u.fn() == UnaryFn.LOG1P;
        double[] x = inputs.length > 0 ? inputs[0].toDoubleArray() : new double[0];
        // a case of NaN's rules (NaN in an input) may have NaN results: then only a NaN-free result is checked
        boolean nanInput = java.util.Arrays.stream(inputs).anyMatch(t -> java.util.Arrays.stream(t.toDoubleArray())
                .anyMatch(Double::isNaN));
        for (Tensor t : c.run().apply(reference, inputs)) {
            double[] v = t.toDoubleArray();
            if (nanInput && java.util.Arrays.stream(v).anyMatch(Double::isNaN)) {
                continue;
            }
            for (int i = 0; i < v.length; i++) {
                if (Double.isNaN(v[i]) && !(nanForNegatives && x[i] < 0) && !(nanBelowMinusOne && x[i] < -1)) {
                    throw new AssertionError(c.name() + ": element " + i + " of the reference result is NaN");
                }
            }
        }
    }
}
