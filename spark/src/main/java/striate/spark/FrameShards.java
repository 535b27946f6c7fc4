package striate.spark;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;
import striate.data.Dataset;
import striate.data.EncodedImages;
import striate.data.ImageFolder;
import striate.models.AlexNet;

/**
 * An {@link ImageFrame}'s rows dealt to the workers: numbered in the DataFrame's order (cut to {@code --limit}'s
 * seeded sample, as from a folder), then moved by a shuffle so that partition r holds exactly worker r's contiguous
 * shard of {@link ShardOrder}, which the barrier stage's task r reads ({@link Examples}), and worker r's contiguous
 * slice of the test frame's rows, which it scores after each epoch (keyed −1 − index, apart from the training rows).
 * The rows are kept in the executors' memory (spilling to disk) while they are numbered, counted and dealt, so this
 * computes the DataFrame once (a DataFrame sorted with orderBy also reads its input once more, to sample the sort's
 * ranges).
 */
final class FrameShards {
    /** One image: its label, its file's bytes and where it came from. */
    record Example(int label, byte[] image, String name) implements Serializable {
    }

    /**
     * The rows keyed by run-wide index (test rows by −1 − index), partition r holding worker r's shard and test slice;
     * the training examples and test images in all; the cached rows to release after.
     */
    record Dealt(JavaPairRDD<Integer, Example> shards, int examples, int tests, List<JavaRDD<Example>> cached) {
        void release() {
            cached.forEach(c -> c.unpersist(false));
        }
    }

    private FrameShards() {
    }

    /** {@code frame}'s examples as {@code o}'s workers train on them, with {@code test}'s (or none when it is null). */
    static Dealt deal(ImageFrame frame, ImageFrame test, Options o) {
        JavaRDD<Example> rows = examples(frame).persist(StorageLevel.MEMORY_AND_DISK());
        JavaRDD<Example> testRows = test == null ? null : examples(test).persist(StorageLevel.MEMORY_AND_DISK());
        List<JavaRDD<Example>> cached = testRows == null ? List.of(rows) : List.of(rows, testRows);
        try {
            return deal(rows, testRows, o, cached);
        } catch (RuntimeException e) {
            cached.forEach(c -> c.unpersist(false));
            throw e;
        }
    }

    private static Dealt deal(JavaRDD<Example> rows, JavaRDD<Example> testRows, Options o,
                              List<JavaRDD<Example>> cached) {
        JavaPairRDD<Example, Long> numbered = rows.zipWithIndex();
        int all = count(rows, "training");
        int[] sample = o.limit() > 0 && o.limit() < all ? Dataset.seededSample(all, o.limit(), o.seed()) : null;
        int examples = sample == null ? all : sample.length;
        ShardOrder order = new ShardOrder(examples, o.workers(), o.batchSize(), o.seed()); // checks the batch size
        JavaPairRDD<Integer, Example> keyed = numbered.flatMapToPair(e -> {
            int index = e._2().intValue();
            int position = sample == null ? index : Arrays.binarySearch(sample, index);
            return position < 0 ? List.<Tuple2<Integer, Example>>of().iterator()
                    : List.of(new Tuple2<>(position, e._1())).iterator();
        });
        int tests = 0;
        if (testRows != null) {
            JavaPairRDD<Example, Long> numberedTests = testRows.zipWithIndex();
            tests = count(testRows, "test");
            if (tests == 0) {
                throw new IllegalArgumentException("the test DataFrame has no images; give one with images, or none");
            }
            keyed = keyed.union(numberedTests.mapToPair(e -> new Tuple2<>(-1 - e._2().intValue(), e._1())));
        }
        return new Dealt(keyed.partitionBy(new ByShard(order, tests)), examples, tests, cached);
    }

    private static int count(JavaRDD<Example> rows, String which) {
        long count = rows.count();
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the " + which + " DataFrame has " + count + " images; at most "
                    + Integer.MAX_VALUE + " are read");
        }
        return (int) count;
    }

    /** The first of worker {@code r}'s test images: worker r scores [r·T/N, (r+1)·T/N) of the T. */
    static int testStart(int r, int tests, int workers) {
        return (int) ((long) r * tests / workers);
    }

    /**
     * The frame's images, labels and names, as plain values; a row without an image or a label, or with a label
     * outside the frame's classes, fails the job with a line naming it.
     */
    static JavaRDD<Example> examples(ImageFrame frame) {
        String name = frame.name();
        int classes = frame.classes().size();
        JavaRDD<Row> rows = (name == null ? frame.rows().select(frame.image(), frame.label())
                : frame.rows().select(frame.image(), frame.label(), name)).javaRDD();
        return rows.map(r -> {
            if (r.isNullAt(0) || r.isNullAt(1)) {
                throw new IllegalArgumentException("a row of the DataFrame" + (r.size() > 2 ? " (" + r.get(2) + ")"
                        : "") + " has no " + (r.isNullAt(0) ? "image" : "label") + "; every row needs both");
            }
            Object image = r.get(0); // a file's bytes, or the image data source's struct of pixels
            String where = r.size() > 2 ? r.getString(2) : image instanceof Row struct ? SparkImages.origin(struct)
                    : "a row of the DataFrame";
            long label = ((Number) r.get(1)).longValue();
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException(where + ": label " + label + " is outside [0, " + classes + "), the "
                        + "frame's " + classes + " classes");
            }
            return new Example((int) label, image instanceof Row struct ? SparkImages.png(struct) : (byte[]) image,
                    where);
        });
    }

    /** The images of {@code rows} at {@code o}'s AlexNet size, centre crops; labels in [0, classes). */
    static EncodedImages images(List<Example> rows, int classes, Options o) {
        byte[][] images = new byte[rows.size()][];
        int[] labels = new int[rows.size()];
        String[] names = new String[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            images[i] = rows.get(i).image();
            labels[i] = rows.get(i).label();
            names[i] = rows.get(i).name();
        }
        AlexNet.Config c = AlexNet.Config.parse(o.config());
        return EncodedImages.crops(images, labels, names, classes, c.size(), ImageFolder.defaultResize(c.size()),
                c.channels());
    }

    /** Partition r holds the run-wide indices of worker r's shard, and its test slice's (keys −1 − index). */
    static final class ByShard extends Partitioner {
        private final int[] starts; // [workers + 1]
        private final int[] testStarts; // [workers + 1]

        ByShard(ShardOrder order, int tests) {
            starts = new int[order.workers() + 1];
            testStarts = new int[order.workers() + 1];
            for (int r = 0; r <= order.workers(); r++) {
                starts[r] = order.shardStart(r); // shardStart(N) is the number of examples
                testStarts[r] = testStart(r, tests, order.workers());
            }
        }

        @Override
        public int numPartitions() {
            return starts.length - 1;
        }

        @Override
        public int getPartition(Object key) {
            int k = (Integer) key;
            return k >= 0 ? owner(starts, k) : owner(testStarts, -1 - k);
        }

        /** The last range of {@code starts} that begins at or before {@code index} (empty ranges skipped). */
        private int owner(int[] starts, int index) {
            int r = Arrays.binarySearch(starts, index);
            if (r < 0) {
                r = -r - 2;
            } else {
                while (r + 1 < starts.length && starts[r + 1] == index) { // several ranges start here: the non-empty
                    r++;
                }
            }
            return Math.min(r, numPartitions() - 1);
        }
    }

    /**
     * What task r of the barrier stage trains on and scores: its partition, ordered by index and checked to be its
     * whole shard and test slice; the shard augmented (random crops and flips drawn per example as a data loader draws
     * them) and seen at run-wide indices, the test slice as centre crops (null when the run has no test images).
     */
    record Examples(int examples, int tests, int classes) implements BarrierTask.Examples<Tuple2<Integer, Example>> {
        @Override
        public BarrierTask.Shard read(Options o, int rank, java.util.Iterator<Tuple2<Integer, Example>> partition) {
            ShardOrder order = new ShardOrder(examples, o.workers(), o.batchSize(), o.seed());
            int start = order.shardStart(rank);
            int testStart = testStart(rank, tests, o.workers());
            Example[] shard = new Example[order.shardStart(rank + 1) - start];
            Example[] slice = new Example[testStart(rank + 1, tests, o.workers()) - testStart];
            int received = 0;
            while (partition.hasNext()) {
                Tuple2<Integer, Example> e = partition.next();
                boolean test = e._1() < 0;
                int at = test ? -1 - e._1() - testStart : e._1() - start;
                Example[] into = test ? slice : shard;
                if (at < 0 || at >= into.length || into[at] != null) {
                    throw new IllegalStateException("worker " + rank + " received " + (test ? "test image " + (-1
                            - e._1()) : "example " + e._1()) + ", outside its " + (test ? "test slice" : "shard")
                            + " or twice");
                }
                into[at] = e._2();
                received++;
            }
            if (received != shard.length + slice.length) { // none twice: so one is missing
                throw new IllegalStateException("worker " + rank + " did not receive all of its shard's " + shard.length
                        + " examples and its " + slice.length + " test images");
            }
            return new BarrierTask.Shard(new ShardView(images(Arrays.asList(shard), classes, o).augmented(), start,
                    examples), tests == 0 ? null : images(Arrays.asList(slice), classes, o));
        }
    }
}
