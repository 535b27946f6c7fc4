package striate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress line with a fake clock: plain lines every tenth for logs, throttled redraws for terminals. */
class ProgressBarTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private long now;

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void logModePrintsOneLinePerTenthAndTheSummary() {
        ProgressBar bar = new ProgressBar(out, false, 3, 10, 20, "acc", "img", () -> now);
        for (int done = 1; done <= 20; done++) {
            now += 500_000_000L; // half a second per batch of 32 images
            bar.update(done, done * 32L, 0.4123, 0.851);
        }
        bar.finish("epoch 3 done");
        List<String> lines = output().lines().toList();
        assertEquals(11, lines.size(), output());
        assertFalse(output().contains("\r"));
        // 10 of 20 batches after 5 s: 320 images / 5 s, 5 s left
        assertEquals("epoch 3/10 [" + "=".repeat(15) + ">" + " ".repeat(14)
                + "] 10/20 loss 0.4123 acc 0.851 64 img/s ETA 0:05", lines.get(4));
        assertEquals("epoch 3/10 [" + "=".repeat(30) + "] 20/20 loss 0.4123 acc 0.851 64 img/s in 0:10",
                lines.get(9));
        assertEquals("epoch 3 done", lines.get(10));
    }

    @Test
    void logModeShowsAnUnfinishedEpochWhenFinished() {
        ProgressBar bar = new ProgressBar(out, false, 1, 1, 100, "acc", "img", () -> now);
        now = 1_000_000_000L;
        bar.update(5, 50, 2.0, 0.1);
        assertEquals("", output());
        bar.finish(null);
        assertTrue(output().startsWith("epoch 1/1 [=>"), output());
        assertTrue(output().contains("5/100 loss 2.0000 acc 0.100 50 img/s ETA 0:19"), output());
        assertEquals(1, output().lines().count());
    }

    @Test
    void valuesNotReadYetShowAsDashes() {
        ProgressBar bar = new ProgressBar(out, false, 1, 1, 100, "acc", "img", () -> now);
        now = 1_000_000_000L;
        bar.update(5, 50, Double.NaN, Double.NaN); // a graphed step's sums before their first read
        bar.finish(null);
        assertTrue(output().contains("5/100 loss - acc - 50 img/s"), output());
    }

    @Test
    void terminalModeRedrawsInPlaceAtMostTenTimesASecond() {
        ProgressBar bar = new ProgressBar(out, true, 1, 2, 100, "acc", "img", () -> now);
        for (int done = 1; done <= 100; done++) {
            now += 10_000_000L; // 10 ms per batch
            bar.update(done, done * 64L, 1.0, 0.5);
        }
        bar.finish("summary");
        String s = output();
        // the first update, one every 100 ms (batches 11, 21, ..., 91) and the last
        assertEquals(11, s.chars().filter(ch -> ch == '\r').count(), s);
        assertTrue(s.endsWith("100/100 loss 1.0000 acc 0.500 6400 img/s in 0:01" + System.lineSeparator()
                + "summary" + System.lineSeparator()), s);
    }

    @Test
    void theTaskNamesItsMetricAndUnit() {
        ProgressBar bar = new ProgressBar(out, false, 2, 10, 4, "bpc", "sent", () -> now);
        now = 2_000_000_000L;
        bar.update(4, 128, 1.1, 1.587);
        assertTrue(output().startsWith("epoch 2/10 [" + "=".repeat(30) + "] 4/4 loss 1.1000 bpc 1.587 64 sent/s in "
                + "0:02"), output());
    }

    @Test
    void clockFormat() {
        assertEquals("0:23", ProgressBar.clock(23));
        assertEquals("2:05", ProgressBar.clock(124.6));
        assertEquals("1:02:05", ProgressBar.clock(3725));
    }
}
