package striate.spark;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import striate.data.MnistFolder;

/**
 * Where a worker reads {@code --data} from: a local path (a shared file system mounted at the same path on every
 * node) as it is, or a Hadoop file system URL ({@code hdfs://namenode:8020/data/fashion-mnist}, {@code s3a://...},
 * {@code file:///...}), whose four MNIST files each executor copies once, through Hadoop's {@link FileSystem} (the
 * cluster's own client and configuration, from the executor's classpath and HADOOP_CONF_DIR), into a folder of its
 * local temporary directory named after the URL; the files are read from there (the copy is reused by later tasks
 * and retried stages on the same node).
 */
final class DataFolder {
    /** The four files of an MNIST-format folder, each plain or gzipped. */
    private static final List<String> NAMES = List.of(MnistFolder.TRAIN_IMAGES, MnistFolder.TRAIN_LABELS,
            MnistFolder.TEST_IMAGES, MnistFolder.TEST_LABELS);
    /** Written last into a complete copy. */
    private static final String COMPLETE = ".complete";

    private DataFolder() {
    }

    /** Whether {@code data} is a URL with a scheme (hdfs://, s3a://, file://, ...) rather than a local path. */
    static boolean isUrl(String data) {
        int colon = data.indexOf("://");
        return colon > 1 && data.substring(0, colon).chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '+'
                || c == '-' || c == '.');
    }

    /** The local folder to read {@code data} from, copying it out of a Hadoop file system first when it is a URL. */
    static Path local(String data) throws IOException {
        return isUrl(data) ? copied(data, Path.of(System.getProperty("java.io.tmpdir"), "striate-data")) : Path.of(data);
    }

    /**
     * The MNIST files of the folder at {@code url}, copied into a subfolder of {@code cache} named after the URL
     * (once: a complete copy is reused). Each file lands under a temporary name and is renamed into place, so tasks
     * that copy at the same time on one node never read a half-written file.
     */
    static Path copied(String url, Path cache) throws IOException {
        Path folder = cache.resolve(digest(url));
        if (Files.exists(folder.resolve(COMPLETE))) {
            return folder;
        }
        Files.createDirectories(folder);
        URI uri = URI.create(url);
        FileSystem fs = FileSystem.get(uri, new Configuration());
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(uri);
        if (!fs.exists(root) || !fs.getFileStatus(root).isDirectory()) {
            throw new IOException(url + ": no such folder (" + fs.getUri() + "); --data must name a folder with "
                    + String.join(", ", NAMES) + " (each plain or .gz)");
        }
        List<String> missing = new ArrayList<>();
        for (String name : NAMES) {
            FileStatus found = null;
            for (String candidate : List.of(name, name + ".gz")) {
                org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(root, candidate);
                if (fs.exists(p) && fs.getFileStatus(p).isFile()) {
                    found = fs.getFileStatus(p);
                    break;
                }
            }
            if (found == null) {
                missing.add(name + "[.gz]");
                continue;
            }
            Path target = folder.resolve(found.getPath().getName());
            Path partial = Files.createTempFile(folder, target.getFileName().toString(), ".part");
            try (InputStream in = fs.open(found.getPath())) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        }
        if (!missing.isEmpty()) {
            throw new IOException(url + ": missing " + String.join(", ", missing) + "; --data must name a folder with "
                    + "the four MNIST-format files (each plain or .gz)");
        }
        Files.writeString(folder.resolve(COMPLETE), url + "\n");
        return folder;
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
