package striate.gan;

import striate.nn.Embedding;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The conditional DCGAN generator (Mirza &amp; Osindero, 2014, on DCGAN's nets): z [n, 100] and labels [n] →
 * cat(z, Embedding(10, 50)(labels)) [n, 150] → the DCGAN generator with 150 inputs → [n, 1, 28, 28].
 */
public final class ConditionalGenerator extends GanNet {
    static final int EMBEDDING = 50;

    private final Embedding labelEmbedding;
    private final DcganGenerator generator;

    public ConditionalGenerator(int classes, Rng rng) {
        this.labelEmbedding = registerModule("label_embedding", new Embedding(classes, EMBEDDING, rng));
        this.generator = registerModule("generator", new DcganGenerator(Latents.WIDTH + EMBEDDING, rng));
    }

    @Override
    public Tensor forward(Tensor z, Tensor labels) {
        if (labels == null || labels.rank() != 1 || labels.dim(0) != z.dim(0)) {
            throw new IllegalArgumentException("ConditionalGenerator: needs labels [" + z.dim(0) + "] for z "
                    + z.shape() + ", got " + (labels == null ? "none" : labels.shape()));
        }
        return generator.forward(Tensor.cat(1, z, labelEmbedding.forward(labels)), null); // [n, 150] → [n, 1, 28, 28]
    }

    @Override
    public boolean conditional() {
        return true;
    }

    @Override
    public String toString() {
        return "ConditionalGenerator";
    }
}
