package striate.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import scala.Tuple2;

/**
 * Hadoop's configuration as a Spark task sees it: the {@code *-site.xml} files on the classpath, then the job's
 * {@code spark.hadoop.*} settings (credentials, endpoints, file system classes) without the prefix, as Spark's own
 * readers apply them; outside Spark, the files alone. The data folder's copy ({@link DataFolder}) and the checkpoint
 * folder ({@link CheckpointStore}) read Hadoop URLs with it.
 */
final class HadoopSettings {
    private HadoopSettings() {
    }

    static Configuration configuration() {
        Configuration conf = new Configuration();
        SparkEnv env = SparkEnv.get();
        if (env != null) {
            for (Tuple2<String, String> kv : env.conf().getAll()) {
                if (kv._1().startsWith("spark.hadoop.")) {
                    conf.set(kv._1().substring("spark.hadoop.".length()), kv._2());
                }
            }
        }
        return conf;
    }
}
