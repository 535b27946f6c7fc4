package striate.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import striate.autograd.GradMode;
import striate.models.Mlp.Activation;
import striate.nn.Losses;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/** A 2-4-1 MLP learns XOR by backprop, which no single linear unit can (see PerceptronTest). */
class MlpTest {
    @Test
    void shapesAndParameterNames() {
        Mlp m = new Mlp(new Rng(1), DType.F64, Activation.TANH, Activation.SIGMOID, 2, 4, 1);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(m.namedParameters().keySet()));
        assertEquals(2 * 4 + 4 + 4 + 1, m.parameterCount());
        assertEquals(DType.F64, m.parameters().getFirst().value().dtype());
        Tensor y = m.forward(Tensor.zeros(Device.reference(), DType.F64, 3, 2));
        assertArrayEquals(new long[] {3, 1}, y.shape().dims());
        assertEquals("Mlp(2-4-1)", m.toString());
        assertThrows(IllegalArgumentException.class,
                () -> new Mlp(new Rng(1), DType.F64, Activation.TANH, Activation.SIGMOID, 2));
    }

    @Test
    void learnsXorWithBackprop() {
        Tensor x = Tensor.of(Device.reference(), DType.F64, new double[] {0, 0, 0, 1, 1, 0, 1, 1}, 4, 2);
        Tensor t = Tensor.of(Device.reference(), DType.F64, new double[] {0, 1, 1, 0}, 4, 1);
        Mlp m = new Mlp(new Rng(42), DType.F64, Activation.TANH, Activation.SIGMOID, 2, 4, 1);
        Sgd opt = Sgd.builder(m.namedParameters()).lr(0.5).build();
        double first = Double.NaN;
        double last = Double.NaN;
        for (int epoch = 0; epoch < 2000; epoch++) {
            opt.zeroGrad();
            Tensor loss = Losses.mse(m.forward(x), t);
            loss.backward();
            opt.step();
            last = loss.item();
            if (epoch == 0) {
                first = last;
            }
        }
        assertTrue(last < 0.05 && last < first, "loss " + first + " -> " + last);
        try (GradMode.Scope off = GradMode.off()) {
            double[] y = m.forward(x).toDoubleArray();
            double[] want = t.toDoubleArray();
            for (int i = 0; i < 4; i++) {
                assertEquals(want[i], y[i] > 0.5 ? 1 : 0, "pattern " + i + " output " + y[i]);
            }
        }
    }
}
