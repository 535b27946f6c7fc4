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
 * shard of {@link ShardOrder}, which the barrier stage's task r reads ({@link Examples}). The rows are kept in the
 * executors' memory (spilling to disk) while they are numbered, counted and dealt, so this computes the DataFrame
 * once (a DataFrame sorted with orderBy also reads its input once more, to sample the sort's ranges).
 */
final class FrameShards {
    /** One image: its label, its file's bytes and where it came from. */
    record Example(int label, byte[] image, String name) implements Serializable {
    }

    /** The rows keyed by run-wide index, partition r holding worker r's shard; the cached rows to release after. */
    record Dealt(JavaPairRDD<Integer, Example> shards, int examples, JavaRDD<Example> cached) {
    }

    private FrameShards() {
    }

    /** {@code frame}'s examples as {@code o}'s workers train on them. */
    static Dealt deal(ImageFrame frame, Options o) {
        JavaRDD<Example> rows = examples(frame).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            return deal(rows, o);
        } catch (RuntimeException e) {
            rows.unpersist(false);
            throw e;
        }
    }

    private static Dealt deal(JavaRDD<Example> rows, Options o) {
        JavaPairRDD<Example, Long> numbered = rows.zipWithIndex();
        long count = rows.count();
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the DataFrame has " + count + " images; at most " + Integer.MAX_VALUE
                    + " are trained on");
        }
        int all = (int) count;
        int[] sample = o.limit() > 0 && o.limit() < all ? Dataset.seededSample(all, o.limit(), o.seed()) : null;
        int examples = sample == null ? all : sample.length;
        ShardOrder order = new ShardOrder(examples, o.workers(), o.batchSize(), o.seed()); // checks the batch size
        JavaPairRDD<Integer, Example> keyed = numbered.flatMapToPair(e -> {
            int index = e._2().intValue();
            int position = sample == null ? index : Arrays.binarySearch(sample, index);
            return position < 0 ? List.<Tuple2<Integer, Example>>of().iterator()
                    : List.of(new Tuple2<>(position, e._1())).iterator();
        });
        return new Dealt(keyed.partitionBy(new ByShard(order)), examples, rows);
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
            String where = r.size() > 2 ? r.getString(2) : "a row of the DataFrame";
            long label = ((Number) r.get(1)).longValue();
            if (label < 0 || label >= classes) {
                throw new IllegalArgumentException(where + ": label " + label + " is outside [0, " + classes + "), the "
                        + "frame's " + classes + " classes");
            }
            return new Example((int) label, (byte[]) r.get(0), where);
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

    /** Partition r holds the run-wide indices of worker r's shard. */
    static final class ByShard extends Partitioner {
        private final int[] starts; // [workers + 1]

        ByShard(ShardOrder order) {
            starts = new int[order.workers() + 1];
            for (int r = 0; r <= order.workers(); r++) {
                starts[r] = r == order.workers() ? order.examples() : order.shardStart(r);
            }
        }

        @Override
        public int numPartitions() {
            return starts.length - 1;
        }

        @Override
        public int getPartition(Object key) {
            int found = Arrays.binarySearch(starts, (Integer) key);
            int r = found >= 0 ? found : -found - 2; // the last shard starting at or before the index
            return Math.min(r, numPartitions() - 1);
        }
    }

    /**
     * What task r of the barrier stage trains on: its partition, ordered by index and checked to be its whole shard,
     * augmented (random crops and flips drawn per example as a data loader draws them), seen at run-wide indices.
     */
    record Examples(int examples, int classes) implements BarrierTask.Examples<Tuple2<Integer, Example>> {
        @Override
        public Dataset train(Options o, int rank, java.util.Iterator<Tuple2<Integer, Example>> partition) {
            ShardOrder order = new ShardOrder(examples, o.workers(), o.batchSize(), o.seed());
            int start = order.shardStart(rank);
            int size = (rank + 1 == o.workers() ? examples : order.shardStart(rank + 1)) - start;
            Example[] shard = new Example[size];
            int received = 0;
            while (partition.hasNext()) {
                Tuple2<Integer, Example> e = partition.next();
                int at = e._1() - start;
                if (at < 0 || at >= size || shard[at] != null) {
                    throw new IllegalStateException("worker " + rank + " received example " + e._1() + ", outside its "
                            + "shard [" + start + ", " + (start + size) + ") or twice");
                }
                shard[at] = e._2();
                received++;
            }
            if (received != size) {
                throw new IllegalStateException("worker " + rank + " received " + received + " of its shard's " + size
                        + " examples");
            }
            return new ShardView(images(Arrays.asList(shard), classes, o).augmented(), start, examples);
        }

        /** A DataFrame's test images are scored by a job of their own after training ({@link FrameScore}). */
        @Override
        public Dataset test(Options o, int rank) {
            return null;
        }
    }
}
