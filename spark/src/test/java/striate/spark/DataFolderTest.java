package striate.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.MnistFolder;

/**
 * --data as a Hadoop URL: the four MNIST files copied once through Hadoop's FileSystem (here its local one, file://,
 * as hdfs:// would be) into a folder of the node's temporary directory, reused afterwards; a missing file or folder
 * is one error naming it; a local path is used as it is.
 */
class DataFolderTest {
    @Test
    void urlsAreToldFromLocalPaths() {
        assertTrue(DataFolder.isUrl("hdfs://namenode:8020/data/fashion-mnist"));
        assertTrue(DataFolder.isUrl("s3a://bucket/fm"));
        assertTrue(DataFolder.isUrl("file:///shared/fm"));
        assertTrue(DataFolder.isUrl("hdfs:/data/fm"), "a scheme without an authority");
        assertTrue(DataFolder.isUrl("file:/tmp/fm"));
        assertFalse(DataFolder.isUrl("/shared/fashion-mnist"));
        assertFalse(DataFolder.isUrl("relative/folder"));
        assertFalse(DataFolder.isUrl("C:\\data"), "a Windows drive letter");
    }

    private static Path folderOfFour(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(MnistFolder.TRAIN_IMAGES + ".gz"), new byte[] {1, 2, 3});
        Files.write(dir.resolve(MnistFolder.TRAIN_LABELS), new byte[] {4, 5});
        Files.write(dir.resolve(MnistFolder.TEST_IMAGES), new byte[] {6});
        Files.write(dir.resolve(MnistFolder.TEST_LABELS + ".gz"), new byte[] {7, 8, 9, 10});
        Files.write(dir.resolve("README"), new byte[] {11}); // not copied
        return dir;
    }

    @Test
    void aUrlsFilesAreCopiedOnceAndTheCopyIsReused(@TempDir Path tmp) throws IOException {
        Path source = folderOfFour(tmp.resolve("source"));
        String url = source.toUri().toString();
        Path local = DataFolder.copied(url, tmp.resolve("cache"));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(local.resolve(MnistFolder.TRAIN_IMAGES + ".gz")));
        assertArrayEquals(new byte[] {7, 8, 9, 10}, Files.readAllBytes(local.resolve(MnistFolder.TEST_LABELS + ".gz")));
        assertFalse(Files.exists(local.resolve("README")));
        try (var files = Files.list(local)) {
            assertEquals(5, files.count(), "the four files and the mark of a complete copy, no partial file");
        }
        Path labels = local.resolve(MnistFolder.TRAIN_LABELS);
        java.nio.file.attribute.FileTime copiedAt = Files.getLastModifiedTime(labels);
        Files.setLastModifiedTime(labels, java.nio.file.attribute.FileTime.fromMillis(1000)); // marks this copy
        assertEquals(local, DataFolder.copied(url, tmp.resolve("cache")));
        assertEquals(1000, Files.getLastModifiedTime(labels).toMillis(), "the next task on this node reads the copy");
        Files.write(source.resolve(MnistFolder.TRAIN_LABELS), new byte[] {4, 5, 6}); // the source changed
        assertEquals(local, DataFolder.copied(url, tmp.resolve("cache")));
        assertArrayEquals(new byte[] {4, 5, 6}, Files.readAllBytes(labels), "copied again: " + copiedAt);
        assertEquals(Path.of("/shared/fm"), DataFolder.local("/shared/fm"));
        Path spaced = folderOfFour(tmp.resolve("with space"));
        assertArrayEquals(new byte[] {6}, Files.readAllBytes(DataFolder.copied("file://" + spaced, tmp.resolve("cache"))
                .resolve(MnistFolder.TEST_IMAGES)), "a URL with a space in its path");
    }

    /** A file system that does not answer (a namenode down or mistyped) is named with --data's URL. */
    @Test
    void aFileSystemThatDoesNotAnswerIsNamed(@TempDir Path tmp) {
        org.apache.hadoop.conf.Configuration.addDefaultResource("silent-fs-site.xml"); // the silent: scheme below
        IOException e = assertThrows(IOException.class, () -> DataFolder.copied("silent:///data/fashion-mnist",
                tmp.resolve("cache")));
        assertTrue(e.getMessage().startsWith("--data silent:/data/fashion-mnist: the file system did not answer "
                + "(Connection refused); check the URL's host and port"), e.getMessage());
    }

    /** A local file system whose every status call fails as an unreachable namenode's does. */
    public static final class SilentFileSystem extends org.apache.hadoop.fs.RawLocalFileSystem {
        @Override
        public java.net.URI getUri() {
            return java.net.URI.create("silent:///");
        }

        @Override
        public org.apache.hadoop.fs.FileStatus getFileStatus(org.apache.hadoop.fs.Path p) throws IOException {
            throw new java.net.ConnectException("Connection refused");
        }
    }

    @Test
    void aMissingFileOrFolderIsOneErrorNamingIt(@TempDir Path tmp) throws IOException {
        Path source = folderOfFour(tmp.resolve("source"));
        Files.delete(source.resolve(MnistFolder.TEST_IMAGES));
        IOException missing = assertThrows(IOException.class,
                () -> DataFolder.copied(source.toUri().toString(), tmp.resolve("cache")));
        assertTrue(missing.getMessage().contains("missing " + MnistFolder.TEST_IMAGES + "[.gz]"), missing.getMessage());
        String nowhere = tmp.resolve("nowhere").toUri().toString();
        IOException none = assertThrows(IOException.class, () -> DataFolder.copied(nowhere, tmp.resolve("cache")));
        assertTrue(none.getMessage().startsWith(nowhere + ": no such folder"), none.getMessage());
    }
}
