package striate.optim;

/**
 * A learning rate as a function of the epoch (counted from 0), set on the optimizer at the start of each
 * epoch. Closed forms of PyTorch's StepLR and CosineAnnealingLR.
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

    /** η_min + (base − η_min)·(1 + cos(π·epoch / tMax)) / 2, holding η_min after tMax. */
    static LrSchedule cosine(int tMax, double etaMin) {
        if (tMax < 1 || !(etaMin > 0)) {
            throw new IllegalArgumentException("cosine schedule needs tMax >= 1 and etaMin > 0, got " + tMax + " and "
                    + etaMin);
        }
        return (base, epoch) -> etaMin + (base - etaMin) * (1 + Math.cos(Math.PI * Math.min(epoch, tMax) / tMax)) / 2;
    }
}
