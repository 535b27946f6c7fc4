package striate.nn;

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

    @Override
    public Tensor forward(Tensor x) {
        for (Module m : children().values()) {
            x = m.forward(x);
        }
        return x;
    }
}
