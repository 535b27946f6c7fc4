package striate.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The exponential, multi-step and warm-up schedules against PyTorch 1.13's ExponentialLR, MultiStepLR and
 * SequentialLR(LinearLR, CosineAnnealingLR) over twelve epochs from lr 0.1 (the rates its optimizer held, printed to
 * 17 digits; PyTorch updates them by chained multiplications, hence the relative tolerance).
 */
class LrScheduleVariantsTest {
    private static void matches(double[] torch, IntToDoubleFunction rate, String what) {
        for (int e = 0; e < torch.length; e++) {
            assertEquals(torch[e], rate.applyAsDouble(e), 1e-12 * torch[e], what + ", epoch " + e);
        }
    }

    @Test
    void matchPyTorch() {
        matches(new double[] {0.1, 0.08000000000000002, 0.06400000000000002, 0.051200000000000016, 0.04096000000000002,
                0.03276800000000001, 0.026214400000000013, 0.02097152000000001, 0.016777216000000008,
                0.013421772800000007, 0.010737418240000006, 0.008589934592000005},
                e -> LrSchedule.exponential(0.8).rate(0.1, e), "exponential 0.8");
        matches(new double[] {0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.025, 0.0125, 0.0125, 0.0125, 0.0125},
                e -> LrSchedule.multiStep(new int[] {3, 7, 8}, 0.5).rate(0.1, e), "milestones 3, 7, 8");
        matches(new double[] {0.025, 0.043750000000000004, 0.06250000000000001, 0.08125000000000002, 0.1,
                0.0962320368593087, 0.0855017856687341, 0.06944282990207196, 0.0505, 0.03155717009792806,
                0.0154982143312659, 0.004767963140691306},
                e -> LrSchedule.warmup(4, 0.25, LrSchedule.cosine(8, 1e-3)).rate(0.1, e), "warm-up 4, then cosine 8");
    }

    @Test
    void unsortedAndRepeatedMilestonesAsPyTorchAndNoRateOfZero() {
        // PyTorch 1.13's MultiStepLR([5, 2, 5], 0.5) from 0.1: 0.1, 0.1, 0.05, 0.05, 0.05, 0.0125, 0.0125
        matches(new double[] {0.1, 0.1, 0.05, 0.05, 0.05, 0.0125, 0.0125},
                e -> LrSchedule.multiStep(new int[] {5, 2, 5}, 0.5).rate(0.1, e), "milestones 5, 2, 5");
        assertTrue(LrSchedule.exponential(0.01).rate(0.1, 400) > 0, "a positive rate, however many epochs");
    }

    @Test
    void badArgumentsAreNamed() {
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.exponential(0));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.multiStep(new int[] {0, 3}, 0.1));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmup(0, 0.5, LrSchedule.constant()));
    }
}
