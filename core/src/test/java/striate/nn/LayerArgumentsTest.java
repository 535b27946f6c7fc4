package striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import striate.optim.Adam;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/** Layer and optimizer arguments that cannot work are refused with one line naming the layer or optimizer. */
class LayerArgumentsTest {
    @Test
    void aLinearLayerWithoutFeaturesIsRefused() {
        // fan-in 0 made the bias bound 1/√0: a bias of ±Infinity
        assertEquals("Linear(0, 5): in_features and out_features must be >= 1", assertThrows(
                IllegalArgumentException.class, () -> new Linear(0, 5, new Rng(1))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Linear(3, -1, new Rng(1)));
    }

    /** A converted weight of the wrong shape (a transposed PyTorch tensor, say) is refused naming the parameter. */
    @Test
    void aValueOfAnotherShapeNamesTheParameter() {
        Linear l = new Linear(2, 1, new Rng(1));
        assertEquals("Linear.weight.set: got a value of shape [2, 1], expected the parameter's shape [1, 2]",
                assertThrows(striate.tensor.ShapeMismatchException.class, () -> l.weight().set(
                        Tensor.zeros(Device.reference(), DType.F32, 2, 1))).getMessage());
    }

    @Test
    void aRecurrentInputWithoutStepsOrSequencesIsRefused() {
        LSTM lstm = new LSTM(4, 8, new Rng(1));
        assertEquals("LSTM: the input [0, 2, 4] has no time steps ([seq, batch, features])", assertThrows(
                IllegalArgumentException.class, () -> lstm.forward(Tensor.zeros(Device.reference(), DType.F32, 0, 2,
                        4), null)).getMessage());
        assertEquals("LSTM: the input [3, 0, 4] has no sequences ([seq, batch, features])", assertThrows(
                IllegalArgumentException.class, () -> lstm.forward(Tensor.zeros(Device.reference(), DType.F32, 3, 0,
                        4), null)).getMessage());
    }

    @Test
    void infiniteStrengthsAndAlphasAreRefused() {
        Linear l = new Linear(2, 2, new Rng(1));
        assertThrows(IllegalArgumentException.class, () -> Sgd.builder(l.namedParameters()).lr(0.1)
                .weightDecay(Double.POSITIVE_INFINITY).build());
        assertThrows(IllegalArgumentException.class, () -> Sgd.builder(l.namedParameters()).lr(0.1)
                .l1(Double.POSITIVE_INFINITY).build());
        assertThrows(IllegalArgumentException.class, () -> Adam.builder(l.namedParameters()).lr(0.1)
                .weightDecay(Double.POSITIVE_INFINITY).build());
        assertEquals("ELU: alpha must be finite, got NaN", assertThrows(IllegalArgumentException.class,
                () -> new ELU(Double.NaN)).getMessage());
    }
}
