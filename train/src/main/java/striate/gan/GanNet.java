package striate.gan;

import striate.nn.Module;
import striate.tensor.Tensor;

/**
 * A generator or discriminator of a GAN: {@code forward(x, labels)} with labels int32 [n] for the conditional nets and
 * null for the others. A generator maps latents z [n, 100] to images [n, 1, 28, 28] in [-1, 1]; a discriminator maps
 * images [n, 1, 28, 28] to logits (or critic values) [n, 1].
 */
public abstract class GanNet extends Module {

    /** The net's output for {@code x} conditioned on {@code labels} [n] (null for an unconditional net). */
    public abstract Tensor forward(Tensor x, Tensor labels);

    /** Whether {@link #forward(Tensor, Tensor)} needs labels. */
    public abstract boolean conditional();

    /** The unconditional forward; a conditional net needs its labels and says so. */
    @Override
    public final Tensor forward(Tensor x) {
        if (conditional()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " is conditional: call forward(x, labels) "
                    + "with the class labels [n]");
        }
        return forward(x, null);
    }

    /** Rejects labels given to an unconditional net. */
    protected final void requireNoLabels(Tensor labels) {
        if (labels != null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " is not conditional; pass null labels");
        }
    }
}
