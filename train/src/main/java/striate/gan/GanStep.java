package striate.gan;

/**
 * What one discriminator (critic) step measured, and the generator step that followed it, if any.
 *
 * @param dLoss       the discriminator's loss (BCE: real + fake terms; WGAN: mean D(fake) − mean D(real), plus λ·GP)
 * @param gLoss       the generator's loss, NaN when no generator step followed this critic step
 * @param dReal       mean D(x) over the real batch: a probability (sigmoid of the logit) for BCE, the critic value
 *                    for the Wasserstein loss
 * @param dFake       mean D(G(z)) over the fake batch of the discriminator's step, likewise
 * @param wasserstein the critic's Wasserstein estimate mean D(x) − mean D(G(z)); NaN for BCE
 * @param images      real images in the batch
 */
public record GanStep(double dLoss, double gLoss, double dReal, double dFake, double wasserstein, int images) {
}
