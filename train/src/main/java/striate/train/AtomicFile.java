package striate.train;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Replaces a file all at once: the content goes to a temporary file in the destination's folder, is forced to
 * disk (fsync), and is then renamed over the destination with an atomic move (a plain replacing move only where
 * the file system has no atomic one). Readers see the old file or the new one, never a mix; a failure at any
 * point deletes the temporary file and leaves the destination as it was.
 */
public final class AtomicFile {
    /** Writes the whole content through a channel positioned at 0 (it may also write at earlier positions). */
    @FunctionalInterface
    public interface Content {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFile() {
    }

    /** Replaces {@code target} with what {@code content} writes. */
    public static void write(Path target, Content content) throws IOException {
        Path file = target.toAbsolutePath();
        Path folder = file.getParent();
        if (Files.isDirectory(file)) {
            throw new IOException(file + ": is a folder; cannot replace it with a file");
        }
        if (!Files.isDirectory(folder)) {
            throw new java.nio.file.NoSuchFileException(file.toString(), null, (Files.exists(folder) ? folder
                    + " is not a folder" : "the folder " + folder + " does not exist") + "; create it first");
        }
        // a new file (not createTempFile, which makes it owner-only) so the result gets the usual permissions
        Path temp = folder.resolve("." + file.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            try (channel) {
                content.writeTo(channel);
                channel.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        syncFolder(folder);
    }

    /**
     * Makes the rename itself durable by forcing the folder's entry to disk. Some platforms cannot open a
     * folder as a channel; there the rename is still atomic, only its durability is left to the OS.
     */
    private static void syncFolder(Path folder) {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // nothing to undo: the new content is in place either way
        }
    }

    /**
     * Throws unless a file can be made in {@code folder}: one is made and removed, for a writer to check before long
     * work (access() says yes to root anywhere, /proc included). The error is a {@link FileSystemException} of the
     * folder whose {@link #reason} says why.
     */
    public static void requireWritable(Path folder) throws IOException {
        Path probe;
        try {
            probe = Files.createTempFile(folder, ".striate-write-check-", ""); // a name of its own: writers share folders
        } catch (NoSuchFileException e) { // the folder is there (a caller made it), but takes no file
            throw new FileSystemException(folder.toString(), null, "no file can be made in it");
        } catch (FileSystemException e) {
            throw new FileSystemException(folder.toString(), null, reason(e));
        }
        try {
            Files.deleteIfExists(probe);
        } catch (IOException ignored) { // a folder that lets files be made but not removed: left as is
        }
    }

    /** What went wrong in a failed file-system call, without its path ("permission denied"). */
    public static String reason(IOException e) {
        if (!(e instanceof FileSystemException f)) {
            return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return f.getReason() != null ? f.getReason() : switch (f) {
            case java.nio.file.AccessDeniedException a -> "permission denied";
            case NoSuchFileException n -> "no such file or folder";
            case java.nio.file.FileAlreadyExistsException x -> "a file is in the way";
            case java.nio.file.NotDirectoryException d -> "not a folder";
            case java.nio.file.DirectoryNotEmptyException d -> "folder not empty";
            default -> f.getClass().getSimpleName();
        };
    }

    /** Replaces {@code target} with {@code bytes}. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, channel -> {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        });
    }
}
