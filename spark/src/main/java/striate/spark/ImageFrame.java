package striate.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import striate.data.ImageFolder;

/**
 * A DataFrame of labelled images for {@link Train#run(ImageFrame, ImageFrame, Options)}: one row per image, its
 * file's bytes (PNG or JPEG, encoded: a {@code binary} column, as {@code spark.read.format("binaryFile")} gives in
 * {@code content}) or its pixels (the struct column {@code image} of Spark's image data source,
 * {@code spark.read.format("image")}: {@link SparkImages}), its label (an integer column, in [0, classes)) and,
 * optionally, a string column naming where it came from (for errors; an image struct's origin by default). The
 * examples' order is the DataFrame's: worker r of N trains on the r-th contiguous slice of it, so it must be the same
 * each time the DataFrame is computed (sort it, as {@link #folder} does).
 *
 * <pre>{@code
 * Dataset<Row> rows = spark.read().format("binaryFile").load("hdfs://nn/pets/*.jpg")
 *         .withColumn("label", ...).orderBy("path");
 * ImageFrame train = new ImageFrame(rows, "content", "label", "path", List.of("cat", "dog"));
 * }</pre>
 *
 * @param rows the images
 * @param image the binary column of encoded images, or the image data source's struct column
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
        requireColumn(rows, image, Set.of(DataTypes.BinaryType), "the images' encoded bytes (binary) or the image "
                + "data source's struct");
        requireColumn(rows, label, LABEL_TYPES, "the labels (an integer type)");
        if (name != null) {
            requireColumn(rows, name, Set.of(DataTypes.StringType), "the images' names (string)");
        }
    }

    private static void requireColumn(Dataset<Row> rows, String column, Set<DataType> types, String what) {
        StructField field = Arrays.stream(rows.schema().fields()).filter(f -> f.name().equals(column)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the DataFrame has no column '" + column + "' for "
                        + what + "; its columns are " + Arrays.toString(rows.columns())));
        boolean pixels = types.contains(DataTypes.BinaryType) && SparkImages.isImageStruct(field.dataType());
        if (!types.contains(field.dataType()) && !pixels) {
            throw new IllegalArgumentException("column '" + column + "' is " + field.dataType().simpleString()
                    + ", expected " + what);
        }
    }

    /**
     * The images of the image folder at {@code url} ({@code url/<class>/<any path>/<image>}, a Hadoop URL or a path)
     * as an {@link striate.data.ImageFolder} of it sees them: the driver lists the folder through Hadoop's
     * {@link FileSystem} with the ImageFolder's rules (classes the visible subfolders sorted by name, a label the
     * position; images the visible files ending in .png, .jpg or .jpeg, any case; class by class, then by path, as
     * the ImageFolder sorts them; a class without images is an error), and the executors read exactly those files'
     * bytes when the rows are computed. The rows come in that order, the same every time.
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
                .map(s -> s.getPath().getName()).filter(ImageFolder::isClassFolderName).sorted().toList();
        if (classes.isEmpty()) {
            throw new IOException(url + ": has no class folders; expected one subfolder per class, each holding that "
                    + "class's .png/.jpg/.jpeg images (root/<class>/<image>)");
        }
        List<Row> files = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            List<String> images = new ArrayList<>();
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(new org.apache.hadoop.fs.Path(root, classes.get(label)),
                    true);
            while (it.hasNext()) {
                org.apache.hadoop.fs.Path p = it.next().getPath();
                if (ImageFolder.isImageName(p.getName())) {
                    images.add(p.toString());
                }
            }
            if (images.isEmpty()) {
                throw new IOException(url + "/" + classes.get(label) + ": class folder holds no .png/.jpg/.jpeg image; "
                        + "every class needs at least one image: add some or remove the folder");
            }
            // the ImageFolder's order: its paths' bytes compared as signed bytes (java.nio's UnixPath)
            images.sort((x, y) -> Arrays.compare(x.getBytes(StandardCharsets.UTF_8),
                    y.getBytes(StandardCharsets.UTF_8)));
            for (String image : images) {
                files.add(RowFactory.create(image, label));
            }
        }
        JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(files, Math.max(1, Math.min(files.size() / 1000, 1000)))
                .mapPartitions(part -> { // one file system per task, each file read whole
                    FileSystem reader = null;
                    List<Row> out = new ArrayList<>();
                    while (part.hasNext()) {
                        Row r = part.next();
                        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(r.getString(0));
                        if (reader == null) {
                            reader = p.getFileSystem(HadoopSettings.configuration());
                        }
                        try (java.io.InputStream in = reader.open(p)) {
                            out.add(RowFactory.create(in.readAllBytes(), r.getInt(1), r.getString(0)));
                        }
                    }
                    return out.iterator();
                });
        StructType schema = new StructType().add("content", DataTypes.BinaryType).add("label", DataTypes.IntegerType)
                .add("path", DataTypes.StringType);
        return new ImageFrame(spark.createDataFrame(rows, schema), "content", "label", "path", classes);
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
