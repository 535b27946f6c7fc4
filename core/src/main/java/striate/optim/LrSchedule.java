package striate.optim;

/**
 * A learning rate as a function of the epoch (counted from 0), set on the optimizer at the start of each
 * epoch. Closed forms of PyTorch's StepLR, MultiStepLR, ExponentialLR and CosineAnnealingLR, and of a linear warm-up
 * before another schedule (LinearLR then the other, as SequentialLR chains them).
 */
public interface LrSchedule {
    /** The rate for {@code epoch} given the initial rate. */
    double rate(double baseRate, int epoch);

    /** Sets the optimizer's rate for {@code epoch}. */
    default void apply(Optimizer optimizer, double baseRate, int epoch) {
        optimizer.setLearningRate(rate(baseRate, epoch));
    }

    /** The same rate every epoch. */
    static LrSchedule constant() {
        return (base, epoch) -> base;
    }

    /** base·γ^⌊epoch / stepSize⌋. */
    static LrSchedule step(int stepSize, double gamma) {
        if (stepSize < 1 || !(gamma > 0 && gamma <= 1)) {
            throw new IllegalArgumentException("step schedule needs stepSize >= 1 and gamma in (0, 1], got "
                    + stepSize + " and " + gamma);
        }
        return (base, epoch) -> base * Math.pow(gamma, Math.floorDiv(epoch, stepSize));
    }

    /**
     * base·γ^epoch (PyTorch's ExponentialLR), γ > 0; never below {@link Double#MIN_NORMAL} (a learning rate of 0 is
     * refused, and γ < 1 reaches it after enough epochs).
     */
    static LrSchedule exponential(double gamma) {
        if (!(gamma > 0) || Double.isInfinite(gamma)) {
            throw new IllegalArgumentException("exponential schedule needs a finite gamma > 0, got " + gamma);
        }
        return (base, epoch) -> Math.max(base * Math.pow(gamma, epoch), Double.MIN_NORMAL);
    }

    /**
     * base·γ^(milestones reached): the rate is multiplied by γ at each milestone epoch, a repeated one counting each
     * time, in any order (PyTorch's MultiStepLR); never below {@link Double#MIN_NORMAL}.
     */
    static LrSchedule multiStep(int[] milestones, double gamma) {
        if (!(gamma > 0) || Double.isInfinite(gamma) || milestones.length == 0
                || java.util.Arrays.stream(milestones).anyMatch(m -> m < 1)) {
            throw new IllegalArgumentException("multi-step schedule needs milestones >= 1 and a finite gamma > 0, got "
                    + java.util.Arrays.toString(milestones) + " and " + gamma);
        }
        int[] at = milestones.clone();
        return (base, epoch) -> Math.max(base * Math.pow(gamma, java.util.Arrays.stream(at).filter(m -> m <= epoch)
                .count()), Double.MIN_NORMAL);
    }

    /**
     * A linear warm-up of {@code epochs} epochs from startFactor·base up to base (PyTorch's LinearLR), then {@code then}
     * from its own epoch 0 (as SequentialLR with the milestone at {@code epochs}).
     */
    static LrSchedule warmup(int epochs, double startFactor, LrSchedule then) {
        if (epochs < 1 || !(startFactor > 0 && startFactor <= 1)) {
            throw new IllegalArgumentException("warm-up needs epochs >= 1 and startFactor in (0, 1], got " + epochs
                    + " and " + startFactor);
        }
        return (base, epoch) -> epoch < epochs ? base * (startFactor + (1 - startFactor) * epoch / epochs)
                : then.rate(base, epoch - epochs);
    }

    /** η_min + (base − η_min)·(1 + cos(π·epoch / tMax)) / 2, holding η_min after tMax. */
    static LrSchedule cosine(int tMax, double etaMin) {
        if (tMax < 1 || !(etaMin > 0)) {
            throw new IllegalArgumentException("cosine schedule needs tMax >= 1 and etaMin > 0, got " + tMax + " and "
                    + etaMin);
        }
        return (base, epoch) -> etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * Math.min(epoch, tMax) / tMax)) / 2;
    }
}
