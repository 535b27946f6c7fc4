package striate.models;

import striate.nn.Module;
import striate.tensor.Tensor;
import striate.train.Reconstruction;

/**
 * What an autoencoder ({@link Autoencoder}) and a variational autoencoder ({@link VariationalAutoencoder}) of grey
 * images [n, 1, h, w] with pixels in [0, 1] share, and what the {@code striate vae} report needs of them: the image
 * size and the width of the code, the code of an image, the decoder's pixel logits and images decoded from codes
 * (the sigmoid of the logits); a reconstruction (and the forward pass) is the decoded code.
 */
public abstract class ImageAutoencoder extends Module implements Reconstruction.Model {
    private final int height;
    private final int width;
    private final int latent;

    /** An autoencoder of h×w grey images with a {@code latent}-wide code. */
    protected ImageAutoencoder(int height, int width, int latent) {
        if (height < 1 || width < 1 || latent < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": image size and latent width must be "
                    + ">= 1, got " + height + "x" + width + " and " + latent);
        }
        this.height = height;
        this.width = width;
        this.latent = latent;
    }

    /** The width of the code z. */
    public int latent() {
        return latent;
    }

    /** Images x [n, 1, h, w] in [0, 1] → their codes [n, latent] (a VAE's: the posterior mean μ). */
    public abstract Tensor code(Tensor x);

    /** Codes z [n, latent] → pixel logits, [n, h·w] or [n, 1, h, w]. */
    public abstract Tensor decodeLogits(Tensor z);

    /** Codes z [n, latent] → images [n, 1, h, w] in [0, 1]. */
    public Tensor decode(Tensor z) {
        return decodeLogits(z).sigmoid().reshape(z.dim(0), 1, height, width);
    }

    /** Images x [n, 1, h, w] in [0, 1] → their reconstructions [n, 1, h, w] in [0, 1], decode(code(x)). */
    public Tensor reconstruct(Tensor x) {
        return decode(code(x));
    }

    /** The same as {@link #reconstruct}. */
    @Override
    public Tensor forward(Tensor x) {
        return reconstruct(x);
    }

    /** x [n, 1, h, w] (or [n, h·w]) as {@code dims}, or an error naming both shapes. */
    protected Tensor checked(Tensor x, long... dims) {
        if (x.size() != x.dim(0) * (long) height * width) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": images must be [n, 1, " + height + ", "
                    + width + "] or [n, " + (long) height * width + "], got " + x.shape());
        }
        return x.reshape(dims);
    }

    protected int height() {
        return height;
    }

    protected int width() {
        return width;
    }
}
