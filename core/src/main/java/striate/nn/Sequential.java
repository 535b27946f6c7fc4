package striate.nn;

import java.util.List;
import striate.tensor.Tensor;

/** Applies its children in order; children are named "0", "1", ... as in PyTorch, or given names. */
public class Sequential extends Module {
    public Sequential(Module... layers) {
        for (Module m : layers) {
            add(m);
        }
    }

    /** Appends a layer named by its position ("0", "1", ...) and returns this. */
    public Sequential add(Module layer) {
        return add(Integer.toString(children().size()), layer);
    }

    /** Appends a layer under {@code name} (e.g. "c1") and returns this. */
    public Sequential add(String name, Module layer) {
        registerModule(name, layer);
        return this;
    }

    /**
     * Runs the layers in order. A {@link Conv2d} directly followed by a {@link ReLU} runs as one fused op (bias and
     * ReLU applied as the convolution writes its output): the same result up to float rounding, with two passes
     * over the feature map and two feature-map-sized tensors fewer.
     */
    @Override
    public Tensor forward(Tensor x) {
        List<Module> layers = List.copyOf(children().values());
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof Conv2d conv && i + 1 < layers.size() && layers.get(i + 1) instanceof ReLU) {
                x = conv.forward(x, true);
                i++; // the ReLU is done
            } else {
                x = layers.get(i).forward(x);
            }
        }
        return x;
    }
}
