package striate.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options.Rename;
import striate.train.Checkpoint;
import striate.train.CheckpointException;

/**
 * The run's {@code last.ckpt} in {@code --checkpoint-dir}: rank 0 writes it, and every worker of a retried stage reads
 * it. The folder is a path every executor can write (a shared file system; a {@code file:} URL is one too), or a
 * Hadoop URL ({@code hdfs://}, {@code s3a://}, ...) read and written through Hadoop's {@link FileSystem} with the job's
 * settings ({@link HadoopSettings}). A path's checkpoint replaces the last one atomically and durably
 * ({@link Checkpoint#save}: temporary file, fsync, rename). A URL's is written under a temporary name in the same
 * folder and renamed over {@code last.ckpt} with {@link FileContext#rename} and {@link Rename#OVERWRITE}: one atomic
 * operation on HDFS; on other stores (s3a, abfs, gs) Hadoop deletes {@code last.ckpt} before the rename (a copy there),
 * and a crash between the two leaves none, so a retried stage starts over. A URL's checkpoint passes through a
 * temporary file of the executor's local disk, where the checkpoint format reads and writes.
 */
final class CheckpointStore {
    private final String location;
    private final Path file;
    private final FileSystem fs;
    private final Configuration conf;
    private final org.apache.hadoop.fs.Path url;

    private CheckpointStore(String location, Path file, FileSystem fs, Configuration conf,
                            org.apache.hadoop.fs.Path url) {
        this.location = location;
        this.file = file;
        this.fs = fs;
        this.conf = conf;
        this.url = url;
    }

    /** The store of {@code dir} (the folder is made when missing), a local path or a Hadoop URL. */
    static CheckpointStore open(String dir) throws IOException {
        if (!DataFolder.isUrl(dir) || isFileUrl(dir)) { // a file: URL is a path: the format's own atomic save (fsync)
            Path folder = Files.createDirectories(Path.of(isFileUrl(dir) ? new org.apache.hadoop.fs.Path(dir).toUri()
                    .getPath() : dir));
            return new CheckpointStore(folder.resolve(Worker.CHECKPOINT).toString(), folder.resolve(Worker.CHECKPOINT),
                    null, null, null);
        }
        return throughHadoop(dir);
    }

    /** The store of the folder at the Hadoop URL {@code dir}, read and written through Hadoop's FileSystem. */
    static CheckpointStore throughHadoop(String dir) throws IOException {
        Configuration conf = HadoopSettings.configuration();
        org.apache.hadoop.fs.Path folder;
        FileSystem fs;
        try {
            folder = new org.apache.hadoop.fs.Path(dir);
            fs = folder.getFileSystem(conf);
            fs.mkdirs(folder);
        } catch (IllegalArgumentException | IOException e) {
            throw new IOException("--checkpoint-dir " + dir + ": not a folder this node can write (" + e.getMessage()
                    + ")", e);
        }
        org.apache.hadoop.fs.Path url = new org.apache.hadoop.fs.Path(folder, Worker.CHECKPOINT);
        return new CheckpointStore(fs.makeQualified(url).toString(), null, fs, conf, url);
    }

    /** Whether {@code dir} is a file: URL (file:///shared/runs, file:/shared/runs). */
    private static boolean isFileUrl(String dir) {
        return dir.regionMatches(true, 0, "file:", 0, 5);
    }

    /** Where the checkpoint of {@code dir} is, without touching the file system: for the driver's last line. */
    static String location(String dir) {
        return DataFolder.isUrl(dir) ? new org.apache.hadoop.fs.Path(dir, Worker.CHECKPOINT).toString()
                : Path.of(dir).resolve(Worker.CHECKPOINT).toString();
    }

    /** Where the checkpoint is: the file's path, or its qualified URL. */
    String location() {
        return location;
    }

    /** The last checkpoint, or null when the folder has none. */
    Checkpoint load() throws IOException {
        if (file != null) {
            return Files.exists(file) ? Checkpoint.load(file) : null;
        }
        FileStatus status;
        try {
            status = fs.getFileStatus(url);
        } catch (FileNotFoundException e) {
            return null;
        }
        if (!status.isFile()) {
            throw new IOException(location + ": is not a file; expected a Striate checkpoint");
        }
        Path staged = Files.createTempFile("striate-", ".ckpt");
        try {
            try (InputStream in = fs.open(url)) {
                Files.copy(in, staged, StandardCopyOption.REPLACE_EXISTING);
            }
            return Checkpoint.load(staged);
        } catch (CheckpointException e) {
            throw located(e);
        } finally {
            Files.deleteIfExists(staged);
        }
    }

    /**
     * {@code e} (about the checkpoint this store loaded) naming the checkpoint's location instead of the local copy a
     * URL's checkpoint was read from.
     */
    IOException located(CheckpointException e) {
        String message = e.getMessage();
        String copy = e.file() == null ? null : e.file().toString();
        if (file != null || copy == null || !message.startsWith(copy)) {
            return e;
        }
        return new IOException(location + message.substring(copy.length()), e);
    }

    /** Replaces the last checkpoint with {@code c}; on failure the last one is left as it was. */
    void save(Checkpoint c) throws IOException {
        if (file != null) {
            c.save(file);
            return;
        }
        Path staged = Files.createTempFile("striate-", ".ckpt");
        org.apache.hadoop.fs.Path partial = new org.apache.hadoop.fs.Path(url.getParent(),
                "." + Worker.CHECKPOINT + "." + UUID.randomUUID() + ".part");
        try {
            c.save(staged);
            try (OutputStream out = fs.create(partial, false)) {
                Files.copy(staged, out);
            }
            FileContext.getFileContext(fs.getUri(), conf).rename(partial, url, Rename.OVERWRITE);
        } catch (IOException | RuntimeException e) {
            try {
                fs.delete(partial, false);
            } catch (IOException d) {
                e.addSuppressed(d);
            }
            throw e;
        } finally {
            Files.deleteIfExists(staged);
        }
    }
}
