package striate.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options.Rename;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import striate.train.AtomicFile;
import striate.train.Checkpoint;
import striate.train.CheckpointException;

/**
 * The run's {@code last.ckpt} in {@code --checkpoint-dir}: rank 0 writes it, and every worker of a retried stage reads
 * it. The folder is a path every executor can write (a shared file system; a {@code file:} URL is one too), or a
 * Hadoop URL ({@code hdfs://}, {@code s3a://}, ...) read and written through Hadoop's {@link FileSystem} with the job's
 * settings ({@link HadoopSettings}). A path's checkpoint replaces the last one atomically and durably
 * ({@link Checkpoint#save}: temporary file, fsync, rename). A URL's is written under a temporary name in the same
 * folder and renamed over {@code last.ckpt} with {@link FileContext#rename} and {@link Rename#OVERWRITE}: one atomic
 * operation on HDFS; on other stores (s3a, abfs, gs) Hadoop deletes {@code last.ckpt} before the rename (a copy
 * there), and a crash between the two leaves only the temporary file, which {@link #load} then reads. A URL's
 * checkpoint passes through a temporary file of the executor's local disk, where the checkpoint format reads and
 * writes.
 */
final class CheckpointStore {
    private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);
    /** Hadoop schemes whose rename replaces atomically (HDFS's), where a missing last.ckpt means there is none. */
    private static final java.util.Set<String> ATOMIC_RENAME = java.util.Set.of("hdfs", "viewfs", "webhdfs",
            "swebhdfs");
    private final String location;
    private final Path file;
    private final FileSystem fs;
    private final Configuration conf;
    private final org.apache.hadoop.fs.Path url;
    private String loadedFrom;

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
            Path folder = writableFolder(dir, Path.of(isFileUrl(dir) ? new org.apache.hadoop.fs.Path(dir).toUri()
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
            throw new JobInputException("--checkpoint-dir " + dir + ": not a folder this node can write (" + e.getMessage()
                    + ")", e);
        }
        org.apache.hadoop.fs.Path url = new org.apache.hadoop.fs.Path(folder, Worker.CHECKPOINT);
        return new CheckpointStore(fs.makeQualified(url).toString(), null, fs, conf, url);
    }

    /**
     * {@code path} (of --checkpoint-dir {@code dir}), made when missing and tried with a file made and removed, so a
     * folder no checkpoint can be written to fails every worker at the start, not rank 0 after the first epoch
     * (access() says yes to root anywhere, /proc included).
     */
    private static Path writableFolder(String dir, Path path) throws IOException {
        try {
            Path folder = Files.createDirectories(path);
            AtomicFile.requireWritable(folder);
            return folder;
        } catch (IOException e) {
            throw new JobInputException("--checkpoint-dir " + dir + ": not a folder this node can write ("
                    + AtomicFile.reason(e) + ")", e);
        }
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

    /** Where the checkpoint {@link #load} last returned came from (a temporary file's URL, see there). */
    String loadedFrom() {
        return loadedFrom;
    }

    /**
     * The last checkpoint, or null when the folder has none. On an object store (any URL but HDFS's, whose rename is
     * atomic) whose {@code last.ckpt} is missing, the newest complete checkpoint under a temporary name is the last
     * one: a replace stopped between Hadoop's delete and its copy (partial files, which fail the format's length and
     * CRC checks, are passed over).
     */
    Checkpoint load() throws IOException {
        loadedFrom = location;
        if (file != null) {
            return Files.exists(file) ? Checkpoint.load(file) : null;
        }
        FileStatus status;
        try {
            status = fs.getFileStatus(url);
        } catch (FileNotFoundException e) {
            return ATOMIC_RENAME.contains(fs.getScheme()) ? null : fromPartial();
        }
        if (!status.isFile()) {
            throw new CheckpointException(null, location + ": is not a file; expected a Striate checkpoint");
        }
        try {
            return loaded(url);
        } catch (CheckpointException e) {
            throw located(e);
        }
    }

    /** The newest complete checkpoint a replace left under a temporary name, or null. */
    private Checkpoint fromPartial() throws IOException {
        List<FileStatus> partials = new ArrayList<>(List.of(fs.listStatus(url.getParent(),
                CheckpointStore::isPartial)));
        partials.sort(Comparator.comparingLong(FileStatus::getModificationTime).reversed());
        for (FileStatus p : partials) {
            try {
                Checkpoint c = loaded(p.getPath());
                log.warn("{} is missing; resuming from {}, the complete checkpoint a replace left before it stopped",
                        location, p.getPath());
                loadedFrom = p.getPath().toString();
                return c;
            } catch (CheckpointException e) { // a write that did not finish
                log.info("{}: passed over, not a complete checkpoint ({})", p.getPath(), e.getMessage());
            } catch (FileNotFoundException e) { // renamed since it was listed: last.ckpt is there now
                return load();
            }
        }
        return null;
    }

    private static boolean isPartial(org.apache.hadoop.fs.Path p) {
        return p.getName().startsWith("." + Worker.CHECKPOINT + ".") && p.getName().endsWith(".part");
    }

    /** The checkpoint at {@code at}, read through a local copy. */
    private Checkpoint loaded(org.apache.hadoop.fs.Path at) throws IOException {
        Path staged = staged();
        try {
            try (InputStream in = fs.open(at)) {
                Files.copy(in, staged, StandardCopyOption.REPLACE_EXISTING);
            }
            return Checkpoint.load(staged);
        } finally {
            Files.deleteIfExists(staged);
        }
    }

    /**
     * A temporary file for a URL's checkpoint on this node's disk: in the Spark application's files folder (on an
     * executor its working folder, which a standalone worker's clean-up removes when enabled, should a killed
     * executor leave one), else the JVM's temporary folder. Deleted after each use.
     */
    private static Path staged() throws IOException {
        Path folder = SparkEnv.get() == null ? Path.of(System.getProperty("java.io.tmpdir"))
                : Path.of(SparkFiles.getRootDirectory());
        return Files.createTempFile(folder, "striate-", ".ckpt");
    }

    /**
     * {@code e} (about the checkpoint this store loaded) naming the checkpoint's location instead of the local copy a
     * URL's checkpoint was read from.
     */
    CheckpointException located(CheckpointException e) {
        String message = e.getMessage();
        String copy = e.file() == null ? null : e.file().toString();
        if (file != null || copy == null || !message.startsWith(copy)) {
            return e;
        }
        return new CheckpointException(null, loadedFrom + message.substring(copy.length()), e);
    }

    /**
     * Replaces the last checkpoint with {@code c}; on failure the last one is left as it was. At a URL, the temporary
     * files earlier replaces left (ones that stopped) are deleted once this one is in place.
     */
    void save(Checkpoint c) throws IOException {
        if (file != null) {
            c.save(file);
            return;
        }
        Path staged = staged();
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
        try { // the checkpoint is in place: what stopped replaces left is no longer needed
            for (FileStatus stale : fs.listStatus(url.getParent(), CheckpointStore::isPartial)) {
                fs.delete(stale.getPath(), false);
            }
        } catch (IOException e) {
            log.warn("could not delete the temporary files of earlier checkpoints beside {}: {}", location,
                    e.getMessage());
        }
    }
}
