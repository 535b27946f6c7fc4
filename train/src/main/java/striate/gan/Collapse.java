package striate.gan;

import java.util.Locale;

/**
 * The rules that stop a GAN run that has failed, fed each step's losses and each epoch's samples of the fixed
 * latents; each returns why the run failed, or null while it may go on:
 * <ul>
 * <li>divergence: a discriminator or generator loss that is NaN or infinite;</li>
 * <li>the discriminator has won (BCE loss only): its loss below {@value #D_LOSS_FLOOR} for {@value #PATIENCE}
 *     consecutive steps, so D(G(z)) ≈ 0 everywhere and the generator's gradient has vanished (Goodfellow et al. 2014,
 *     section 3; Arjovsky &amp; Bottou 2017). The Wasserstein critic's loss is unbounded below by design, so it has no
 *     such rule;</li>
 * <li>mode collapse: the samples of the fixed latents nearly identical, their per-pixel standard deviation across
 *     samples, averaged over pixels, below {@value #SAMPLE_SPREAD_FLOOR} (images in [-1, 1]; real images' spread is
 *     far above it). A generator that answers every z with the same image has collapsed.</li>
 * </ul>
 * The count of consecutive low-loss steps is part of a checkpoint, so a resumed run applies the same rules.
 */
final class Collapse {
    static final double D_LOSS_FLOOR = 1e-3;
    static final int PATIENCE = 200;
    static final double SAMPLE_SPREAD_FLOOR = 0.02;

    private final boolean bce;
    private long lowSteps;

    Collapse(boolean bce, long lowSteps) {
        this.bce = bce;
        this.lowSteps = lowSteps;
    }

    /** Consecutive steps with the discriminator's loss under the floor, so far. */
    long lowSteps() {
        return lowSteps;
    }

    /** Records one step's losses (gLoss NaN when no generator step ran). */
    String add(double dLoss, double gLoss, boolean generatorStepped) {
        if (!Double.isFinite(dLoss)) {
            return "the discriminator's loss became " + dLoss;
        }
        if (generatorStepped && !Double.isFinite(gLoss)) {
            return "the generator's loss became " + gLoss;
        }
        if (!bce) {
            return null;
        }
        lowSteps = dLoss < D_LOSS_FLOOR ? lowSteps + 1 : 0;
        if (lowSteps >= PATIENCE) {
            return String.format(Locale.ROOT, "the discriminator has won: its loss has stayed below %.0e for %d "
                    + "steps (now %.3g), so the generator gets no gradient", D_LOSS_FLOOR, lowSteps, dLoss);
        }
        return null;
    }

    /** Checks the samples of the fixed latents, [n, c, h, w] values as floats (n ≥ 2). */
    static String samples(float[] x, int n) {
        int size = x.length / n;
        double spread = 0;
        for (int p = 0; p < size; p++) {
            double sum = 0;
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double v = x[i * size + p];
                sum += v;
                sq += v * v;
            }
            double mean = sum / n;
            spread += Math.sqrt(Math.max(0, sq / n - mean * mean));
        }
        spread /= size;
        if (!(spread >= SAMPLE_SPREAD_FLOOR)) {
            return String.format(Locale.ROOT, "the generator has collapsed: its %d samples of the fixed latents are "
                    + "nearly identical (per-pixel spread %.4f, below %.2f)", n, spread, SAMPLE_SPREAD_FLOOR);
        }
        return null;
    }
}
