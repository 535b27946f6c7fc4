package striate.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * A DataFrame of labelled images for {@link Train#run(ImageFrame, ImageFrame, Options)}: one row per image, its
 * file's bytes (PNG or JPEG, encoded: a {@code binary} column, as {@code spark.read.format("binaryFile")} gives in
 * {@code content}), its label (an integer column, in [0, classes)) and, optionally, a string column naming where it
 * came from (for errors). The examples' order is the DataFrame's: worker r of N trains on the r-th contiguous
 * slice of it, so it must be the same each time the DataFrame is computed (sort it, as {@link #folder} does).
 *
 * <pre>{@code
 * Dataset<Row> rows = spark.read().format("binaryFile").load("hdfs://nn/pets/*.jpg")
 *         .withColumn("label", ...).orderBy("path");
 * ImageFrame train = new ImageFrame(rows, "content", "label", "path", List.of("cat", "dog"));
 * }</pre>
 *
 * @param rows the images
 * @param image the binary column of encoded images
 * @param label the integer column of labels
 * @param name a string column naming each image, or null
 * @param classes the class names, in label order
 */
public record ImageFrame(Dataset<Row> rows, String image, String label, String name, List<String> classes) {
    private static final Set<DataType> LABEL_TYPES = Set.of(DataTypes.IntegerType, DataTypes.LongType,
            DataTypes.ShortType, DataTypes.ByteType);

    public ImageFrame {
        classes = List.copyOf(classes);
        if (classes.isEmpty()) {
            throw new IllegalArgumentException("an ImageFrame needs its class names, one per label");
        }
        requireColumn(rows, image, Set.of(DataTypes.BinaryType), "the images' encoded bytes (binary)");
        requireColumn(rows, label, LABEL_TYPES, "the labels (an integer type)");
        if (name != null) {
            requireColumn(rows, name, Set.of(DataTypes.StringType), "the images' names (string)");
        }
    }

    private static void requireColumn(Dataset<Row> rows, String column, Set<DataType> types, String what) {
        StructField field = Arrays.stream(rows.schema().fields()).filter(f -> f.name().equals(column)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the DataFrame has no column '" + column + "' for "
                        + what + "; its columns are " + Arrays.toString(rows.columns())));
        if (!types.contains(field.dataType())) {
            throw new IllegalArgumentException("column '" + column + "' is " + field.dataType().simpleString()
                    + ", expected " + what + (DataTypes.BinaryType.equals(types.iterator().next())
                    && field.dataType() instanceof org.apache.spark.sql.types.StructType
                    ? "; Spark's image source gives decoded pixels: read the files with format(\"binaryFile\") "
                    + "and use its content column" : ""));
        }
    }

    /**
     * The images of the image folder at {@code url} ({@code url/<class>/<any path>/<image>}, a Hadoop URL or a path),
     * read by the executors with {@code binaryFile}: classes are the visible subfolders sorted by name (a label is
     * the position), images the files ending in .png, .jpg or .jpeg (any case), in the order of an
     * {@link striate.data.ImageFolder} of the same folder (class by class, then by path). Spark's file listing skips
     * names that start with '.' or '_'.
     */
    public static ImageFrame folder(SparkSession spark, String url) throws IOException {
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(url);
        FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
        root = fs.makeQualified(root);
        FileStatus[] children;
        try {
            children = fs.listStatus(root);
        } catch (FileNotFoundException e) {
            throw new IOException(url + ": no such folder; expected one subfolder of images per class", e);
        }
        List<String> classes = Arrays.stream(children).filter(FileStatus::isDirectory)
                .map(s -> s.getPath().getName()).filter(n -> !n.startsWith(".") && !n.startsWith("_")).sorted()
                .toList();
        if (classes.isEmpty()) {
            throw new IOException(url + ": has no class folders; expected one subfolder per class, each holding that "
                    + "class's .png/.jpg/.jpeg images (root/<class>/<image>)");
        }
        String prefix = root.toString() + "/";
        Column path = col("path");
        Column lower = functions.lower(path);
        Column className = functions.split(functions.substring(path, prefix.length() + 1, Integer.MAX_VALUE), "/")
                .getItem(0);
        Column position = functions.array_position(functions.array(classes.stream().map(c -> lit(c))
                .toArray(Column[]::new)), className); // 1-based, 0 for a file outside the class folders
        Dataset<Row> rows = spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(root.toString())
                .filter(lower.endsWith(".png").or(lower.endsWith(".jpg")).or(lower.endsWith(".jpeg")))
                .withColumn("label", position.minus(1).cast(DataTypes.IntegerType))
                .filter(col("label").geq(0))
                .select(col("content"), col("label"), path)
                .orderBy(col("label"), path);
        return new ImageFrame(rows, "content", "label", "path", classes);
    }

    /** Whether {@code url} has a subfolder {@code name}. */
    static boolean hasFolder(SparkSession spark, String url, String name) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(url, name);
        FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
        try {
            return fs.getFileStatus(p).isDirectory();
        } catch (FileNotFoundException e) {
            return false;
        }
    }
}
