package striate.cli.report;

import java.awt.Font;
import java.awt.FontFormatException;
import java.io.IOException;
import java.io.InputStream;

/**
 * The report's one typeface, DejaVu Sans, shipped in the jar beside this class ({@code DejaVuSans.ttf}, its
 * license in {@code DejaVuSans-LICENSE.txt}) and loaded with {@link Font#createFont}. The report draws every text
 * with it, so it renders where the machine has no fonts and no fontconfig (GPU servers, containers): there, AWT's
 * logical fonts (Dialog, SansSerif, the default of a new Graphics2D) fail with "No physical fonts found", while a
 * created font needs nothing from the system.
 */
final class ReportTypeface {
    static final String RESOURCE = "DejaVuSans.ttf";

    /** Where the typeface comes from: {@link #load()}, or in tests one that fails. */
    @FunctionalInterface
    interface Source {
        Font load() throws IOException;
    }

    private ReportTypeface() {
    }

    /** DejaVu Sans at size 1, plain; derive the sizes and styles to draw with. */
    static Font load() throws IOException {
        try (InputStream in = ReportTypeface.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IOException(RESOURCE + " is missing from the striate jar; rebuild it (mvn package -pl cli -am)");
            }
            return Font.createFont(Font.TRUETYPE_FONT, in);
        } catch (FontFormatException e) {
            throw new IOException(RESOURCE + " in the striate jar is not a usable TrueType font: " + e.getMessage(), e);
        }
    }
}
