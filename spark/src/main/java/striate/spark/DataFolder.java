package striate.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import striate.data.MnistFolder;

/**
 * Where a worker reads {@code --data} from: a local path (a shared file system mounted at the same path on every
 * node) as it is, or a Hadoop file system URL ({@code hdfs://namenode:8020/data/fashion-mnist}, {@code s3a://...},
 * {@code file:///...}), whose four MNIST files each executor copies through Hadoop's {@link FileSystem} (the
 * cluster's Hadoop client, its {@code *-site.xml} files and the job's {@code spark.hadoop.*} settings) into a folder
 * of its local temporary directory named after the URL, and reads from there. A later task or retried stage on the
 * same node reuses the copy while every file's length and modification time are those recorded with it.
 */
final class DataFolder {
    /** The four files of an MNIST-format folder, each plain or gzipped. */
    private static final List<String> NAMES = List.of(MnistFolder.TRAIN_IMAGES, MnistFolder.TRAIN_LABELS,
            MnistFolder.TEST_IMAGES, MnistFolder.TEST_LABELS);
    /** Written last into a complete copy: each file's name, length and modification time at the source. */
    private static final String COMPLETE = ".complete";
    /** A URL's scheme: two or more characters, as RFC 3986 spells them (one letter is a Windows drive). */
    private static final Pattern SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]+:.*");

    private DataFolder() {
    }

    /** Whether {@code data} is a URL with a scheme (hdfs:, s3a:, file:, ...) rather than a local path. */
    static boolean isUrl(String data) {
        return SCHEME.matcher(data).matches();
    }

    /** The local folder to read {@code data} from, copying it out of a Hadoop file system first when it is a URL. */
    static Path local(String data) throws IOException {
        return isUrl(data) ? copied(data, Path.of(System.getProperty("java.io.tmpdir"), "striate-data")) : Path.of(data);
    }

    /**
     * The MNIST files of the folder at {@code url}, copied into a subfolder of {@code cache} named after the URL, or
     * the copy already there when it is complete and up to date. Each file lands under a temporary name and is renamed
     * into place, and the record of a complete copy is written last, so tasks that copy at the same time on one node
     * never read a half-written file.
     */
    static Path copied(String url, Path cache) throws IOException {
        FileSystem fs;
        org.apache.hadoop.fs.Path root;
        try {
            root = new org.apache.hadoop.fs.Path(url);
            fs = root.getFileSystem(HadoopSettings.configuration());
        } catch (IllegalArgumentException | IOException e) {
            throw new JobInputException(url + ": not a folder this node can read (" + e.getMessage() + ")", e);
        }
        FileStatus rootStatus = status(fs, root);
        if (rootStatus == null || !rootStatus.isDirectory()) {
            throw new JobInputException(url + ": no such folder (" + fs.getUri() + "); --data must name a folder with "
                    + String.join(", ", NAMES) + " (each plain or .gz)");
        }
        List<FileStatus> sources = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : NAMES) {
            FileStatus found = null;
            for (String candidate : List.of(name, name + ".gz")) {
                FileStatus f = status(fs, new org.apache.hadoop.fs.Path(root, candidate));
                if (f != null && f.isFile()) {
                    found = f;
                    break;
                }
            }
            if (found == null) {
                missing.add(name + "[.gz]");
            } else {
                sources.add(found);
            }
        }
        if (!missing.isEmpty()) {
            throw new JobInputException(url + ": missing " + String.join(", ", missing) + "; --data must name a folder with "
                    + "the four MNIST-format files (each plain or .gz)");
        }
        StringBuilder record = new StringBuilder(url).append('\n');
        for (FileStatus f : sources) {
            record.append(f.getPath().getName()).append(' ').append(f.getLen()).append(' ')
                    .append(f.getModificationTime()).append('\n');
        }
        Path folder = cache.resolve(digest(url));
        Path complete = folder.resolve(COMPLETE);
        if (Files.exists(complete) && Files.readString(complete).contentEquals(record)) {
            return folder;
        }
        Files.createDirectories(folder);
        Files.deleteIfExists(complete);
        for (FileStatus f : sources) {
            Path target = folder.resolve(f.getPath().getName());
            Path partial = Files.createTempFile(folder, target.getFileName().toString(), ".part");
            try (InputStream in = fs.open(f.getPath())) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        }
        Path partialRecord = Files.createTempFile(folder, COMPLETE, ".part");
        Files.writeString(partialRecord, record);
        Files.move(partialRecord, complete, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return folder;
    }

    /**
     * What is at {@code p}, or null when nothing is (one call to the file system). A file system that does not answer
     * (a namenode that is down or mistyped: no connection, an unknown host, a timeout) is named with --data's URL.
     */
    private static FileStatus status(FileSystem fs, org.apache.hadoop.fs.Path p) throws IOException {
        try {
            return fs.getFileStatus(p);
        } catch (FileNotFoundException e) {
            return null;
        } catch (java.net.ConnectException | java.net.UnknownHostException | java.net.NoRouteToHostException
                 | java.net.SocketTimeoutException e) { // not a refusal (permissions): those pass as they are
            throw new IOException("--data " + p + ": the file system did not answer (" + e.getMessage() + "); check "
                    + "the URL's host and port, and that the file system is up", e);
        }
    }

    /** A file name for {@code url}: the hex of its SHA-256. */
    private static String digest(String url) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(url.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
