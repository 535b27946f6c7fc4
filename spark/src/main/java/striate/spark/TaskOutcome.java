package striate.spark;

import java.io.Serializable;

/**
 * What one task of the barrier stage returns: its worker's {@link Worker.Report}, or, when the workers refused to
 * start ({@link BarrierTask#isInput}), the reason, the same from every task.
 */
sealed interface TaskOutcome extends Serializable permits Worker.Report, TaskOutcome.Refused {
    /** The workers did not start: {@code reason} is the first refusing worker's, "worker R: ...". */
    record Refused(String reason) implements TaskOutcome {
    }
}
