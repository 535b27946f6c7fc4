package striate.models;

import striate.tensor.Tensor;
import striate.train.Reconstruction;

/**
 * What the {@code striate vae} report needs of an autoencoder ({@link Autoencoder}) or a variational autoencoder
 * ({@link VariationalAutoencoder}) of grey images [n, 1, h, w] with pixels in [0, 1]: its loss terms for training,
 * the width of its code, the code of an image, and images decoded from codes; a reconstruction is the decoded code.
 */
public interface ImageAutoencoder extends Reconstruction.Model {

    /** The width of the code z. */
    int latent();

    /** Images x [n, 1, h, w] in [0, 1] → their codes [n, latent] (a VAE's: the posterior mean μ). */
    Tensor code(Tensor x);

    /** Images x [n, 1, h, w] in [0, 1] → their reconstructions [n, 1, h, w] in [0, 1], decode(code(x)). */
    default Tensor reconstruct(Tensor x) {
        return decode(code(x));
    }

    /** Codes z [n, latent] → images [n, 1, h, w] in [0, 1]. */
    Tensor decode(Tensor z);
}
