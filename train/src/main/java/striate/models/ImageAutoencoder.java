package striate.models;

import striate.tensor.Tensor;
import striate.train.Reconstruction;

/**
 * What the {@code striate vae} report needs of an autoencoder ({@link Autoencoder}) or a variational autoencoder
 * ({@link Vae}) of grey images [n, 1, h, w] with pixels in [0, 1]: its loss terms for training, the width of its
 * code, reconstructions, and images decoded from codes.
 */
public interface ImageAutoencoder extends Reconstruction.Model {

    /** The width of the code z. */
    int latent();

    /** Images x [n, 1, h, w] in [0, 1] → their reconstructions [n, 1, h, w] in [0, 1]. */
    Tensor reconstruct(Tensor x);

    /** Codes z [n, latent] → images [n, 1, h, w] in [0, 1]. */
    Tensor decode(Tensor z);
}
