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
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options.Rename;
import org.apache.hadoop.fs.RawLocalFileSystem;
import striate.train.Checkpoint;
import striate.train.CheckpointException;

/**
 * The run's {@code last.ckpt} in {@code --checkpoint-dir}: rank 0 writes it, and every worker of a retried stage reads
 * it. The folder is a path every executor can write (a shared file system), or a Hadoop URL ({@code hdfs://},
 * {@code s3a://}, {@code file://}) read and written through Hadoop's {@link FileSystem} with the job's settings
 * ({@link HadoopSettings}). Either way a checkpoint replaces the last one atomically: a path's through
 * {@link Checkpoint#save}'s temporary file and rename, a URL's by writing the file under a temporary name in the same
 * folder, then renaming it over {@code last.ckpt}: {@link FileContext#rename} with {@link Rename#OVERWRITE}, one
 * atomic operation on HDFS, or for file:// the POSIX rename, atomic too. (On object stores such as s3a Hadoop's
 * rename is a copy, and a crash in it can leave no {@code last.ckpt}.) A URL's checkpoint passes through a temporary
 * file of the executor's local disk, where the checkpoint format reads and writes.
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
        if (!DataFolder.isUrl(dir)) {
            Path folder = Files.createDirectories(Path.of(dir));
            return new CheckpointStore(folder.resolve(Worker.CHECKPOINT).toString(), folder.resolve(Worker.CHECKPOINT),
                    null, null, null);
        }
        Configuration conf = HadoopSettings.configuration();
        org.apache.hadoop.fs.Path folder;
        FileSystem fs;
        try {
            folder = new org.apache.hadoop.fs.Path(dir);
            fs = folder.getFileSystem(conf);
            if (fs instanceof ChecksumFileSystem checksummed) {
                // file://'s Hadoop client keeps a .crc file beside each file and renames the two one after the
                // other, so a reader between the renames fails on new bytes with the old sums; the checkpoint
                // format has a CRC of its own
                fs = checksummed.getRawFileSystem();
            }
            fs.mkdirs(folder);
        } catch (IllegalArgumentException | IOException e) {
            throw new IOException("--checkpoint-dir " + dir + ": not a folder this node can write (" + e.getMessage()
                    + ")", e);
        }
        org.apache.hadoop.fs.Path url = new org.apache.hadoop.fs.Path(folder, Worker.CHECKPOINT);
        return new CheckpointStore(fs.makeQualified(url).toString(), null, fs, conf, url);
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
            if (fs instanceof RawLocalFileSystem) { // POSIX rename replaces atomically; FileContext's local one deletes first
                if (!fs.rename(partial, url)) {
                    throw new IOException("could not rename " + partial + " to " + url);
                }
            } else {
                FileContext.getFileContext(fs.getUri(), conf).rename(partial, url, Rename.OVERWRITE);
            }
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
