package striate.gan;

import striate.optim.Adam;
import striate.optim.Optimizer;
import striate.optim.RMSprop;
import striate.tensor.Device;
import striate.tensor.Rng;

/**
 * A GAN ready to train: its recipe, generator and discriminator on one device, and one optimizer for each net's
 * parameters. {@link #create} builds a model of the family as the recipes fix it: {@code gan} the MLP nets,
 * {@code dcgan} the DCGAN nets, {@code wgan} the DCGAN nets with a critic, {@code wgan-gp} the DCGAN generator and a
 * critic without batch norm, {@code cgan} the conditional DCGAN nets (10 classes).
 */
public record Gan(GanRecipe recipe, GanNet generator, GanNet discriminator, Optimizer generatorOptimizer,
                  Optimizer discriminatorOptimizer) {
    /** The conditional GAN's classes (Fashion-MNIST's). */
    public static final int CLASSES = 10;

    /** The nets of {@code recipe.model()} initialized from {@code seed}, moved to {@code device}, with their optimizers. */
    public static Gan create(GanRecipe recipe, long seed, Device device) {
        Rng rng = new Rng(seed);
        GanNet g;
        GanNet d;
        switch (recipe.model()) {
            case "gan" -> {
                g = new MlpGenerator(rng);
                d = new MlpDiscriminator(rng);
            }
            case "dcgan", "wgan" -> {
                g = new DcganGenerator(Latents.WIDTH, rng);
                d = new DcganDiscriminator(1, true, rng);
            }
            case "wgan-gp" -> {
                g = new DcganGenerator(Latents.WIDTH, rng);
                d = new DcganDiscriminator(1, false, rng);
            }
            case "cgan" -> {
                g = new ConditionalGenerator(CLASSES, rng);
                d = new ConditionalDiscriminator(CLASSES, rng);
            }
            default -> throw new IllegalArgumentException("unknown GAN model '" + recipe.model() + "'; choose one of "
                    + GanRecipe.MODELS);
        }
        g.to(device);
        d.to(device);
        return new Gan(recipe, g, d, optimizer(recipe, g), optimizer(recipe, d));
    }

    /** The model name checkpoints carry ({@link GanRecipe#checkpointName}). */
    public String checkpointName() {
        return recipe.checkpointName();
    }

    /** Whether both nets take class labels. */
    public boolean conditional() {
        return generator.conditional();
    }

    private static Optimizer optimizer(GanRecipe r, GanNet net) {
        return switch (r.optimizer()) {
            case ADAM -> Adam.builder(net.namedParameters()).lr(r.lr()).betas(r.beta1(), r.beta2()).build();
            case RMSPROP -> RMSprop.builder(net.namedParameters()).lr(r.lr()).build();
        };
    }
}
