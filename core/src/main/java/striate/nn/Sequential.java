package striate.nn;

import striate.tensor.Tensor;

/** Applies its children in order; children are named "0", "1", ... as in PyTorch. */
public class Sequential extends Module {
    public Sequential(Module... layers) {
        for (Module m : layers) {
            add(m);
        }
    }

    /** Appends a layer and returns this. */
    public Sequential add(Module layer) {
        registerModule(Integer.toString(children().size()), layer);
        return this;
    }

    @Override
    public Tensor forward(Tensor x) {
        for (Module m : children().values()) {
            x = m.forward(x);
        }
        return x;
    }
}
