package striate.gan;

import java.util.List;
import java.util.Locale;

/**
 * How one GAN of the family trains: its loss, critic steps per generator step, the WGAN weight clip, the WGAN-GP
 * penalty weight, the batch size and each optimizer. The recipes of the papers, as {@link #of} gives them:
 * <ul>
 * <li>{@code gan} (MLP nets) and {@code dcgan}, {@code cgan} (DCGAN nets, Radford et al. 2015): BCE with logits,
 *     Adam 2e-4, betas (0.5, 0.999), one D step per G step, batch 128;</li>
 * <li>{@code wgan} (Arjovsky et al. 2017, algorithm 1): the Wasserstein loss, RMSprop 5e-5, critic weights clipped
 *     to [−0.01, 0.01] after every critic step, 5 critic steps per G step, batch 64;</li>
 * <li>{@code wgan-gp} (Gulrajani et al. 2017, algorithm 1): the Wasserstein loss plus 10 × the gradient penalty,
 *     Adam 1e-4, betas (0.0, 0.9), 5 critic steps per G step, batch 64, a critic without batch norm.</li>
 * </ul>
 *
 * @param model       the model's name: gan, dcgan, wgan, wgan-gp or cgan
 * @param loss        BCE (the non-saturating GAN loss) or WASSERSTEIN
 * @param criticSteps discriminator steps per generator step, ≥ 1
 * @param clip        the WGAN weight clip c (weights kept in [−c, c] after every critic step); 0 for none
 * @param penalty     the WGAN-GP penalty weight λ; 0 for none
 * @param batchSize   real images per discriminator step (and fakes per step of either net)
 * @param optimizer   both nets' optimizer: Adam or RMSprop
 * @param lr          both nets' learning rate
 * @param beta1       Adam's β1 (unused by RMSprop)
 * @param beta2       Adam's β2 (unused by RMSprop)
 */
public record GanRecipe(String model, Loss loss, int criticSteps, double clip, double penalty, int batchSize,
                        OptimizerKind optimizer, double lr, double beta1, double beta2) {
    /** The models, in the order the command lists them. */
    public static final List<String> MODELS = List.of("gan", "dcgan", "wgan", "wgan-gp", "cgan");

    /** The discriminator's objective. */
    public enum Loss {
        /** D: BCE(D(x), 1) + BCE(D(G(z)), 0) on logits; G: BCE(D(G(z)), 1), the non-saturating loss. */
        BCE,
        /** Critic: mean(D(G(z))) − mean(D(x)); G: −mean(D(G(z))). */
        WASSERSTEIN
    }

    /** Both nets' optimizer. */
    public enum OptimizerKind {
        ADAM,
        RMSPROP
    }

    public GanRecipe {
        if (!MODELS.contains(model)) {
            throw new IllegalArgumentException("unknown GAN model '" + model + "'; choose one of " + MODELS);
        }
        if (criticSteps < 1 || batchSize < 1) {
            throw new IllegalArgumentException("critic steps and batch size must be >= 1, got " + criticSteps + " and "
                    + batchSize);
        }
        if (!(clip >= 0) || !(penalty >= 0) || !(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("clip and penalty must be >= 0 and the learning rate > 0, got " + clip
                    + ", " + penalty + " and " + lr);
        }
    }

    /** The paper recipe of {@code model}. */
    public static GanRecipe of(String model) {
        return switch (model) {
            case "gan", "dcgan", "cgan" -> new GanRecipe(model, Loss.BCE, 1, 0, 0, 128, OptimizerKind.ADAM, 2e-4, 0.5,
                    0.999);
            case "wgan" -> new GanRecipe(model, Loss.WASSERSTEIN, 5, 0.01, 0, 64, OptimizerKind.RMSPROP, 5e-5, 0, 0);
            case "wgan-gp" -> new GanRecipe(model, Loss.WASSERSTEIN, 5, 0, 10, 64, OptimizerKind.ADAM, 1e-4, 0.0, 0.9);
            default -> throw new IllegalArgumentException("unknown GAN model '" + model + "'; choose one of " + MODELS);
        };
    }

    /** This recipe with another batch size. */
    public GanRecipe withBatchSize(int n) {
        return new GanRecipe(model, loss, criticSteps, clip, penalty, n, optimizer, lr, beta1, beta2);
    }

    /** The model name checkpoints of this recipe's GAN carry: "gan-" and the model. */
    public String checkpointName() {
        return "gan-" + model;
    }

    /** One line for logs and checkpoints. */
    @Override
    public String toString() {
        String opt = optimizer == OptimizerKind.ADAM
                ? String.format(Locale.ROOT, "adam lr=%s betas=(%s, %s)", lr, beta1, beta2) : "rmsprop lr=" + lr;
        return String.format(Locale.ROOT, "model=%s loss=%s critic_steps=%d clip=%s penalty=%s batch=%d %s", model,
                loss.name().toLowerCase(Locale.ROOT), criticSteps, clip, penalty, batchSize, opt);
    }
}
