package striate.cli;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The output folder of a new training run. It must be new or empty, so that no checkpoint, report or other file
 * already there is ever replaced; {@link #create} makes it (with any missing parents), and
 * {@link #removeIfEmpty} takes back what it made when the run ends without writing anything into it.
 */
final class OutputFolder {
    private static final int NAMES_SHOWN = 5;

    private final List<Path> created; // deepest first

    private OutputFolder(List<Path> created) {
        this.created = List.copyOf(created);
    }

    /**
     * Creates {@code folder} for a new run of a command that can resume, or refuses it: when it holds anything (the
     * message names the folder, some of what it holds, and points to --resume or another --out), or cannot be
     * written to.
     */
    static OutputFolder create(Path folder) throws IOException {
        return create(folder, "continue the run in it with --resume, or choose a new or empty --out");
    }

    /** As {@link #create(Path)}, for a command without --resume: the refusal points to another --out only. */
    static OutputFolder createWithoutResume(Path folder) throws IOException {
        return create(folder, "choose a new or empty --out");
    }

    private static OutputFolder create(Path folder, String whatToDo) throws IOException {
        if (Files.isDirectory(folder)) {
            List<String> names;
            try (Stream<Path> entries = Files.list(folder)) {
                names = entries.map(p -> p.getFileName().toString()).sorted().toList();
            }
            if (!names.isEmpty() && names.stream().allMatch(n -> n.startsWith(".") && n.endsWith(".tmp"))) {
                throw new IllegalArgumentException(folder + " holds only " + names.get(0) + (names.size() > 1 ? " and "
                        + (names.size() - 1) + " more" : "") + ": unfinished files a killed run left while writing "
                        + "(no checkpoint to resume from); delete them, or choose a new or empty --out");
            }
            if (!names.isEmpty()) {
                String shown = String.join(", ", names.subList(0, Math.min(NAMES_SHOWN, names.size())))
                        + (names.size() > NAMES_SHOWN ? " and " + (names.size() - NAMES_SHOWN) + " more" : "");
                throw new IllegalArgumentException(folder + " is not empty (it holds " + shown + "); " + whatToDo
                        + " (nothing was overwritten)");
            }
        }
        List<Path> missing = new ArrayList<>();
        for (Path p = folder.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(p);
        }
        OutputFolder out = new OutputFolder(missing);
        try {
            Files.createDirectories(folder);
            Path probe = Files.createTempFile(folder, ".write-test", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            IOException failure = new IOException("cannot write to the output folder " + folder + " ("
                    + e.getMessage() + "); choose a writable --out", e);
            try {
                out.removeIfEmpty();
            } catch (IOException cleanup) {
                failure.addSuppressed(cleanup);
            }
            throw failure;
        }
        return out;
    }

    /** A command's work in its output folder. */
    interface Work<T> {
        T run() throws IOException;
    }

    /**
     * Runs a command's work in the folder {@code created} stands for (null: a resumed run's folder, which is left
     * as it is); when the work fails, removes what {@link #create} made while it is still empty, then rethrows.
     */
    static <T> T removedIfFailed(OutputFolder created, Work<T> work) throws IOException {
        try {
            return work.run();
        } catch (IOException | RuntimeException | Error e) {
            if (created != null) {
                try {
                    created.removeIfEmpty();
                } catch (IOException cleanup) {
                    e.addSuppressed(cleanup);
                }
            }
            throw e;
        }
    }

    /** Deletes the folders {@link #create} made, deepest first, as long as they are empty. */
    void removeIfEmpty() throws IOException {
        for (Path p : created) {
            try {
                if (!Files.isDirectory(p) || !Files.deleteIfExists(p)) {
                    return;
                }
            } catch (DirectoryNotEmptyException e) {
                return; // the run left something in it: keep it, and its parents
            }
        }
    }
}
