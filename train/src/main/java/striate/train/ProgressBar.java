package striate.train;

import java.io.Console;
import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The progress line of one training epoch:
 * {@code epoch E/N [=======>      ] B/BATCHES loss L acc M R img/s ETA m:ss}, with the task's metric label
 * ({@code acc}, {@code bpc}) and unit ({@code img}, {@code sent}): the epoch, a bar of the batches done, the running
 * loss and metric, throughput and the time left.
 * On a terminal the line is redrawn in place with '\r', at most every {@value #REDRAW_MILLIS} ms; otherwise
 * (a log file, CI) it prints one plain line each time another tenth of the batches is done, so logs stay short.
 * Loss and metric are whatever the caller passes (usually running means over the epoch so far).
 */
public final class ProgressBar {
    static final long REDRAW_MILLIS = 100;
    private static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private final boolean terminal;
    private final int epoch;
    private final int epochs;
    private final long batches;
    private final String metric;
    private final String unit;
    private final LongSupplier nanoClock;
    private final long start;
    private long lastDraw = Long.MIN_VALUE;
    private int lastTenth;
    private int lastLength;
    private String line;
    private boolean lineShown;

    /**
     * A bar for epoch {@code epoch} of {@code epochs}, {@code batches} ≥ 1 batches long, writing to {@code out}:
     * redrawn in place when {@code terminal}, plain lines otherwise; {@code metric} labels the metric ("acc") and
     * {@code unit} what throughput counts ("img"). {@code nanoClock} gives the time in ns (System::nanoTime; tests
     * pass their own).
     */
    public ProgressBar(PrintStream out, boolean terminal, int epoch, int epochs, long batches, String metric,
                       String unit, LongSupplier nanoClock) {
        if (batches < 1) {
            throw new IllegalArgumentException("an epoch needs at least one batch, got " + batches);
        }
        this.out = out;
        this.terminal = terminal;
        this.epoch = epoch;
        this.epochs = epochs;
        this.batches = batches;
        this.metric = metric;
        this.unit = unit;
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
    }

    /**
     * A bar on {@code out} that redraws in place when the JVM is attached to a terminal: System.console() is
     * not null and, since a console can exist with redirected output (JDK 22's default), {@link Console#isTerminal}.
     */
    public static ProgressBar of(PrintStream out, int epoch, int epochs, long batches, String metric, String unit) {
        Console console = System.console();
        boolean terminal = console != null && console.isTerminal();
        return new ProgressBar(out, terminal, epoch, epochs, batches, metric, unit, System::nanoTime);
    }

    /** {@code done} batches ({@code samples} images or sentences) finished so far, with the running loss and metric. */
    public void update(long done, long samples, double loss, double value) {
        if (done < 0 || done > batches) {
            throw new IllegalArgumentException("batch " + done + " outside [0, " + batches + "]");
        }
        long now = nanoClock.getAsLong();
        line = format(done, samples, loss, value, now - start);
        lineShown = false;
        if (terminal) {
            if (done == batches || lastDraw == Long.MIN_VALUE || now - lastDraw >= REDRAW_MILLIS * 1_000_000) {
                redraw();
                lastDraw = now;
            }
        } else {
            int tenth = (int) (done * 10 / batches);
            if (tenth > lastTenth) {
                out.println(line);
                lineShown = true;
                lastTenth = tenth;
            }
        }
    }

    /** Ends the epoch: shows the last state if it was not shown yet, ends the line, then prints {@code summary}. */
    public void finish(String summary) {
        if (line != null && !lineShown) {
            if (terminal) {
                redraw();
            } else {
                out.println(line);
            }
        }
        if (terminal && line != null) {
            out.println();
        }
        if (summary != null && !summary.isBlank()) {
            out.println(summary);
        }
        out.flush();
    }

    private void redraw() {
        out.print('\r');
        out.print(line);
        if (line.length() < lastLength) {
            out.print(" ".repeat(lastLength - line.length()));
        }
        out.flush();
        lastLength = line.length();
        lineShown = true;
    }

    private String format(long done, long samples, double loss, double value, long elapsedNanos) {
        int filled = (int) (done * BAR_WIDTH / batches);
        StringBuilder bar = new StringBuilder(BAR_WIDTH);
        bar.append("=".repeat(filled));
        if (filled < BAR_WIDTH) {
            bar.append(done == 0 ? ' ' : '>').append(" ".repeat(BAR_WIDTH - filled - 1));
        }
        double seconds = elapsedNanos / 1e9;
        StringBuilder sb = new StringBuilder();
        // NaN: nothing read yet (a graphed step's sums are read every few batches)
        sb.append(String.format(Locale.ROOT, "epoch %d/%d [%s] %d/%d loss %s %s %s", epoch, epochs, bar, done,
                batches, Double.isNaN(loss) ? "-" : String.format(Locale.ROOT, "%.4f", loss), metric,
                Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.3f", value)));
        if (seconds > 0 && done > 0) {
            sb.append(String.format(Locale.ROOT, " %.0f %s/s", samples / seconds, unit));
            if (done < batches) {
                sb.append(" ETA ").append(clock(seconds * (batches - done) / done));
            } else {
                sb.append(" in ").append(clock(seconds));
            }
        }
        return sb.toString();
    }

    /** m:ss, or h:mm:ss from an hour on. */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        long h = s / 3600;
        long m = (s % 3600) / 60;
        return h > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", m, s % 60);
    }
}
