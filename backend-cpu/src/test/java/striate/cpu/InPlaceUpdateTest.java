package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import striate.nn.Linear;
import striate.nn.Parameter;
import striate.optim.Adam;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The CPU's fused optimizer updates write the parameters in place and count it, so a backward through the weights as
 * they were before the step is refused (the GAN mistake: D's step between D(G(z)) and G's backward through it).
 */
class InPlaceUpdateTest {
    @Test
    void aBackwardAfterAnSgdOrAdamStepThroughTheOldWeightsIsRefused() {
        List<Function<java.util.Map<String, Parameter>, Optimizer>> optimizers = List.of(
                p -> Sgd.builder(p).lr(0.1).momentum(0.9).build(), p -> Adam.builder(p).lr(0.1).build());
        for (Function<java.util.Map<String, Parameter>, Optimizer> make : optimizers) {
            Linear d = new Linear(2, 1, new Rng(2));
            d.to(Device.cpu());
            Optimizer step = make.apply(d.namedParameters());
            Tensor fake = Tensor.of(Device.cpu(), new float[] {0.5f, -1}, 1, 2).requiresGrad(true);
            Tensor score = d.forward(fake).sum();
            d.forward(fake).sum().backward();
            step.step();
            IllegalStateException e = assertThrows(IllegalStateException.class, score::backward, step.toString());
            assertTrue(e.getMessage().contains("written in place"), e.getMessage());
        }
    }
}
