package striate.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import striate.nn.Parameter;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * RMSprop with momentum and centered, Adagrad (with rate decay, weight decay and a starting accumulator) and Adadelta:
 * six
 * steps of a scripted gradient sequence in float64 on the reference backend against PyTorch 1.13's optimizers on the
 * same sequence (torch.optim in float64, printed to 17 digits); their state round trip.
 */
class OptimizerVariantsTest {
    private static final Device REF = Device.reference();
    private static final double[] START = {0.5, -1.5, 2.0, 0.0};
    private static final double[][] GRADIENTS = {{0.3, -0.2, 0.1, 1.0}, {-0.5, 0.4, 0.0, 2.0}, {1.5, -1.0, 0.2, -0.3},
            {0.05, 0.7, -0.9, 0.4}, {0.0, 0.0, 3.0, -1.0}, {0.25, -0.25, 0.5, 0.6}};

    private static double[] run(Function<Map<String, Parameter>, Optimizer> make) {
        Parameter p = new Parameter(Tensor.of(REF, DType.F64, START));
        Optimizer opt = make.apply(Map.of("w", p));
        for (double[] g : GRADIENTS) {
            p.value().setGrad(Tensor.of(REF, DType.F64, g));
            opt.step();
        }
        return p.value().toDoubleArray();
    }

    @Test
    void rmspropWithMomentumAndCenteredMatchesPyTorch() {
        assertArrayEquals(new double[] {0.37974739575373323, -1.429824757538642, 1.8134872549266636,
                -0.1973206401978024}, run(m -> RMSprop.builder(m).lr(0.01).alpha(0.9).momentum(0.8).build()), 1e-12,
                "momentum 0.8");
        assertArrayEquals(new double[] {0.45120859274320746, -1.4538126727726195, 1.9052264115951578,
                -0.06063936728746206}, run(m -> RMSprop.builder(m).lr(0.01).alpha(0.9).centered(true)
                .weightDecay(0.1).build()), 1e-12, "centered, weight decay 0.1");
        assertArrayEquals(new double[] {0.043945723935117184, -1.2589365041064908, 1.2863395477321486,
                -0.6833627429118398}, run(m -> RMSprop.builder(m).lr(0.02).momentum(0.5).centered(true).build()),
                1e-12, "momentum 0.5 and centered");
    }

    @Test
    void adagradMatchesPyTorch() {
        assertArrayEquals(new double[] {0.3740955669280998, -1.433117040699223, 1.7963421770283416,
                -0.17694017933758507}, run(m -> Adagrad.builder(m).lr(0.1).build()), 1e-12, "defaults, lr 0.1");
        assertArrayEquals(new double[] {0.41122358042314355, -1.4650926593952283, 1.9144062089568994,
                -0.16320203378050185}, run(m -> Adagrad.builder(m).lr(0.1).lrDecay(0.05).weightDecay(0.01)
                .initialAccumulator(0.2).eps(1e-6).build()), 1e-12, "rate decay, weight decay, accumulator 0.2");
    }

    /** With rate decay a skipped step is not taken and does not count: the rate of the next is the second's. */
    @Test
    void adagradWithRateDecayDoesNotCountSkippedSteps() {
        double[] want = run(m -> Adagrad.builder(m).lr(0.1).lrDecay(0.5).build());
        Parameter p = new Parameter(Tensor.of(REF, DType.F64, START));
        Adagrad opt = Adagrad.builder(Map.of("w", p)).lr(0.1).lrDecay(0.5).build();
        for (int i = 0; i < GRADIENTS.length; i++) {
            p.value().setGrad(Tensor.of(REF, DType.F64, GRADIENTS[i]));
            opt.step(Tensor.scalar(REF, DType.F32, 0));
            if (i == 2) {
                p.value().setGrad(Tensor.of(REF, DType.F64, new double[] {Double.POSITIVE_INFINITY, 0, 0, 0}));
                opt.step(Tensor.scalar(REF, DType.F32, 1)); // a loss scaler's skip
            }
        }
        assertArrayEquals(want, p.value().toDoubleArray(), 1e-15);
    }

    @Test
    void adadeltaMatchesPyTorch() {
        assertArrayEquals(new double[] {0.49367639170583544, -1.4980255592077956, 1.989080255162464,
                -0.006576390696835673}, run(m -> Adadelta.builder(m).build()), 1e-12, "defaults");
        assertArrayEquals(new double[] {0.47475112814804277, -1.4805455259751765, 1.9488109284403787,
                -0.023515338004868977}, run(m -> Adadelta.builder(m).lr(0.5).rho(0.8).eps(1e-4).weightDecay(0.1)
                .build()), 1e-12, "lr 0.5, rho 0.8, eps 1e-4, weight decay 0.1");
        Parameter p = new Parameter(Tensor.of(REF, DType.F64, START));
        Adadelta a = Adadelta.builder(Map.of("w", p)).build();
        p.value().setGrad(Tensor.of(REF, DType.F64, GRADIENTS[0]));
        a.step();
        Adadelta again = Adadelta.builder(Map.of("w", p)).build();
        again.loadState(a.state());
        assertArrayEquals(a.state().get("w.acc_delta").toDoubleArray(), again.state().get("w.acc_delta")
                .toDoubleArray());
        assertThrows(IllegalArgumentException.class, () -> again.loadState(Map.of("w.nonsense",
                Tensor.of(REF, DType.F64, START))));
    }

    @Test
    void stateRoundTripsAndNamesItsBuffersAsPyTorch() {
        Parameter p = new Parameter(Tensor.of(REF, DType.F64, START));
        RMSprop rms = RMSprop.builder(Map.of("w", p)).momentum(0.9).centered(true).build();
        p.value().setGrad(Tensor.of(REF, DType.F64, GRADIENTS[0]));
        rms.step();
        Map<String, Tensor> state = rms.state();
        for (String key : new String[] {"w.square_avg", "w.grad_avg", "w.momentum_buffer"}) {
            assertEquals(4, state.get(key).size(), key);
        }
        RMSprop again = RMSprop.builder(Map.of("w", p)).momentum(0.9).centered(true).build();
        again.loadState(state);
        assertArrayEquals(state.get("w.grad_avg").toDoubleArray(), again.state().get("w.grad_avg").toDoubleArray());

        RMSprop plain = RMSprop.builder(Map.of("w", p)).build();
        plain.loadState(state);
        assertEquals(java.util.Set.of("w.square_avg"), plain.state().keySet().stream()
                .filter(k -> k.startsWith("w.")).collect(java.util.stream.Collectors.toSet()),
                "a plain RMSprop keeps only its square average from a centered one's state");

        Adagrad ada = Adagrad.builder(Map.of("w", p)).build();
        ada.step();
        assertArrayEquals(new double[] {0.09, 0.04, 0.01, 1.0}, ada.state().get("w.sum").toDoubleArray(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Adagrad.builder(Map.of("w", p)).lrDecay(-1).build());
        assertThrows(IllegalArgumentException.class, () -> RMSprop.builder(Map.of("w", p)).momentum(1).build());
    }
}
