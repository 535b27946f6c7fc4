package striate.cli.report;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import striate.train.AtomicFile;

/**
 * Writes a report's files into its folder, for the image report ({@link Report}) and the tagger's
 * ({@link TaggerReport}): {@code metrics.json} first, then each picture, every file replaced atomically. A picture
 * that cannot be drawn or written (no usable font, AWT's native libraries missing, a full disk) is left out with a
 * one-line warning naming it and why, so a finished run always keeps its numbers; a folder that cannot be created
 * or written to, or a metrics.json that cannot be written, is an IOException naming it.
 */
final class ReportFiles {

    /** One PNG of a report, drawn by {@link Plots}. */
    @FunctionalInterface
    interface Picture {
        byte[] draw(Plots plots) throws IOException;
    }

    static {
        // pictures are drawn off-screen; headless AWT also on a machine with a display, unless the caller chose
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ReportFiles() {
    }

    /** Writes {@code json} as metrics.json and {@code pictures} by file name, in order; returns the files written. */
    static List<Path> write(Path folder, String json, Map<String, Picture> pictures, PrintWriter warnings,
                            ReportTypeface.Source typeface) throws IOException {
        checkWritable(folder);
        List<Path> written = new ArrayList<>();
        Path metrics = folder.resolve("metrics.json");
        AtomicFile.write(metrics, json.getBytes(StandardCharsets.UTF_8));
        written.add(metrics);

        Plots plots;
        try {
            plots = new Plots(typeface.load());
        } catch (IOException | RuntimeException | Error e) { // AWT signals a broken font setup with Errors
            pictures.keySet().forEach(name -> warn(warnings, name, "cannot load the report's font: " + reason(e)));
            return written;
        }
        for (Map.Entry<String, Picture> p : pictures.entrySet()) {
            Path target = folder.resolve(p.getKey());
            try {
                AtomicFile.write(target, p.getValue().draw(plots));
                written.add(target);
            } catch (IOException | RuntimeException | Error e) { // e.g. "No physical fonts found" is an Error
                warn(warnings, p.getKey(), reason(e));
            }
        }
        return written;
    }

    private static void warn(PrintWriter warnings, String file, String why) {
        warnings.println("striate: warning: " + file + " was not written: " + why);
        warnings.flush();
    }

    /** The exception in a few words: its class and the first line of its message. */
    private static String reason(Throwable e) {
        String message = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        return e.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }

    private static void checkWritable(Path folder) throws IOException {
        String advice = "; choose another output folder";
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new IOException(folder + ": cannot write the report here: it is a file, not a folder" + advice);
        }
        try {
            Files.createDirectories(folder);
            Path probe = Files.createTempFile(folder, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (FileAlreadyExistsException e) {
            throw new IOException(folder + ": cannot create the report folder: " + e.getFile() + " is a file"
                    + advice, e);
        } catch (IOException e) {
            throw new IOException(folder + ": cannot write the report here (" + e + ")" + advice, e);
        }
    }
}
