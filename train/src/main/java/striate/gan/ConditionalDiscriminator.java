package striate.gan;

import striate.nn.Embedding;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * The conditional DCGAN discriminator: images [n, 1, 28, 28] and labels [n] → cat(images, Embedding(10, 784)(labels)
 * as [n, 1, 28, 28]) [n, 2, 28, 28] along the channels → the DCGAN discriminator with 2 input channels → logits [n, 1].
 */
public final class ConditionalDiscriminator extends GanNet {
    private final Embedding labelEmbedding;
    private final DcganDiscriminator discriminator;

    public ConditionalDiscriminator(int classes, Rng rng) {
        this.labelEmbedding = registerModule("label_embedding", new Embedding(classes, 28 * 28, rng));
        this.discriminator = registerModule("discriminator", new DcganDiscriminator(2, true, rng));
    }

    @Override
    public Tensor forward(Tensor x, Tensor labels) {
        if (labels == null || labels.rank() != 1 || labels.dim(0) != x.dim(0)) {
            throw new IllegalArgumentException("ConditionalDiscriminator: needs labels [" + x.dim(0) + "] for images "
                    + x.shape() + ", got " + (labels == null ? "none" : labels.shape()));
        }
        Tensor plane = labelEmbedding.forward(labels).reshape(x.dim(0), 1, 28, 28); // [n, 1, 28, 28]
        return discriminator.forward(Tensor.cat(1, x, plane), null); // [n, 1]
    }

    @Override
    public boolean conditional() {
        return true;
    }

    @Override
    public String toString() {
        return "ConditionalDiscriminator";
    }
}
