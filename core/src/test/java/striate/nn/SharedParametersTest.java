package striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/** A module used twice (shared weights) lists its parameters once, so an optimizer updates them once per step. */
class SharedParametersTest {
    @Test
    void aModuleRegisteredTwiceIsListedAndUpdatedOnce() {
        Linear l = new Linear(1, 1, new Rng(1));
        Sequential twice = new Sequential(l, l);
        assertEquals(List.of("0.weight", "0.bias"), List.copyOf(twice.namedParameters().keySet()));
        assertEquals(2, twice.parameterCount());

        double w = l.weight().value().toDoubleArray()[0];
        double b = l.bias().value().toDoubleArray()[0];
        Sgd sgd = Sgd.builder(twice.namedParameters()).lr(0.1).build();
        Tensor x = Tensor.ones(Device.reference(), DType.F32, 1, 1);
        twice.forward(x).sum().backward(); // y = w(w·1 + b) + b: dy/dw = 2w + b, dy/db = w + 1
        sgd.step();
        assertEquals(w - 0.1 * (2 * w + b), l.weight().value().toDoubleArray()[0], 1e-6);
        assertEquals(b - 0.1 * (w + 1), l.bias().value().toDoubleArray()[0], 1e-6);
    }
}
