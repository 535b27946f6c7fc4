package striate.testing;

import java.util.Map;
import striate.nn.Parameter;
import striate.optim.Optimizer;
import striate.tensor.Tensor;

/**
 * SGD without momentum composed of elementwise ops (w −= lr·g), with no fused kernel and no state: an optimizer as a
 * user might write one. It does not skip steps on the device ({@link Optimizer#skipsOnDevice} is false); whether it
 * says it is capturable is the caller's choice.
 */
public class PlainSgd extends Optimizer {
    private final boolean capturable;

    public PlainSgd(Map<String, Parameter> parameters, double learningRate, boolean capturable) {
        super(parameters, learningRate, 0);
        this.capturable = capturable;
    }

    @Override
    public boolean capturable() {
        return capturable;
    }

    @Override
    protected void update(String name, Tensor value, Tensor grad, long step) {
        value.copyFrom(value.sub(grad.mul(learningRate())));
    }

    @Override
    protected Map<String, Tensor> buffers() {
        return Map.of();
    }

    @Override
    protected void loadBuffers(Map<String, Tensor> buffers) {
    }
}
