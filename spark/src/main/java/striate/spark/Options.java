package striate.spark;

import java.io.Serializable;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import striate.models.AlexNet;

/**
 * The options of a Spark training run, parsed from {@code spark-submit}'s application arguments:
 * {@code --model lenet5|alexnet --data DIR --epochs E --batch-size B --lr LR --seed S --checkpoint-dir DIR --workers N}
 * and optionally {@code --config K=V,...} (AlexNet's: variant, size, channels, dropout; its classes are the image
 * folder's), {@code --momentum M} (0.9), {@code --limit K} (train on the first K examples; 0: all),
 * {@code --checkpoint-every STEPS} (0: at the end of each epoch only), {@code --test-every EPOCHS} (score the test
 * images after every EPOCHS-th epoch and after the last; 0: after the last only; 1 by default) and
 * {@code --device cpu|cuda} (cpu: each
 * worker trains on its executor's CPU, the workers joined by a TCP ring; cuda: on the GPU Spark gave its task, the
 * workers joined by NCCL). {@code --batch-size} is per worker: one step trains on N·B examples. Serializable: the
 * driver ships it to every task.
 */
public record Options(String model, String config, String data, int epochs, int batchSize, double lr,
                      double momentum, long seed, String checkpointDir, int workers, int limit, int checkpointEvery,
                      String device, int testEvery) implements Serializable {
    public static final String USAGE = "usage: striate.spark.Train --model lenet5|alexnet --data DIR --epochs E "
            + "--batch-size B --lr LR --seed S --checkpoint-dir DIR --workers N [--config K=V,...] [--momentum M] "
            + "[--limit K] [--checkpoint-every STEPS] [--test-every EPOCHS] [--device cpu|cuda]";

    public Options {
        if (!"lenet5".equals(model) && !"alexnet".equals(model)) {
            throw new IllegalArgumentException("--model " + model + " is not trained on Spark; use --model lenet5 (an "
                    + "MNIST-format folder) or --model alexnet (an image folder)\n" + USAGE);
        }
        require(config.isEmpty() || "alexnet".equals(model), "--config sets AlexNet's options (variant=owt,size=64,"
                + "...); LeNet-5 on Spark takes none");
        if ("alexnet".equals(model)) {
            try {
                AlexNet.Config.parse(config);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--config " + config + ": " + e.getMessage() + "\n" + USAGE, e);
            }
            require(java.util.Arrays.stream(config.split(",")).noneMatch(p -> p.trim().startsWith("classes")),
                    "--config " + config + ": AlexNet's classes are the image folder's class folders; leave classes out");
        }
        require(data != null, "--data DIR (an MNIST-format folder for lenet5, an image folder for alexnet, that every "
                + "executor can read at that path; or an MNIST folder's Hadoop URL such as "
                + "hdfs://namenode:8020/data/fashion-mnist) is required");
        require(checkpointDir != null, "--checkpoint-dir DIR (shared storage every executor can write) is required");
        require(epochs >= 1, "--epochs must be >= 1, got " + epochs);
        require(batchSize >= 1, "--batch-size must be >= 1, got " + batchSize);
        require(lr > 0 && Double.isFinite(lr), "--lr must be > 0 and finite, got " + lr);
        require(momentum >= 0 && momentum < 1, "--momentum must be in [0, 1), got " + momentum);
        require(workers >= 1, "--workers must be >= 1, got " + workers);
        require(limit >= 0, "--limit must be >= 0, got " + limit);
        require(checkpointEvery >= 0, "--checkpoint-every must be >= 0, got " + checkpointEvery);
        require(testEvery >= 0, "--test-every must be >= 0, got " + testEvery);
        require("cpu".equals(device) || "cuda".equals(device), "--device must be cpu or cuda (each task's own GPU), got "
                + device);
    }

    /** True when the workers train on GPUs. */
    public boolean onGpus() {
        return "cuda".equals(device);
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message + "\n" + USAGE);
        }
    }

    /** Parses {@code --name value} pairs; an unknown, repeated or valueless option is an error naming it. */
    public static Options parse(String... args) {
        Map<String, String> v = new LinkedHashMap<>(Map.of("--momentum", "0.9", "--limit", "0",
                "--checkpoint-every", "0", "--device", "cpu", "--config", "", "--test-every", "1"));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i];
            if (!Set.of("--model", "--data", "--epochs", "--batch-size", "--lr", "--seed",
                    "--checkpoint-dir", "--workers", "--momentum", "--limit", "--checkpoint-every", "--device",
                    "--test-every",
                    "--config")
                    .contains(name)) {
                throw new IllegalArgumentException("unknown option '" + name + "'\n" + USAGE);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + name + " needs a value\n" + USAGE);
            }
            if (!seen.add(name)) {
                throw new IllegalArgumentException("option " + name + " is given twice\n" + USAGE);
            }
            v.put(name, args[i + 1]);
        }
        for (String required : new String[] {"--model", "--epochs", "--batch-size", "--lr", "--seed", "--workers"}) {
            if (!v.containsKey(required)) {
                throw new IllegalArgumentException("option " + required + " is required\n" + USAGE);
            }
        }
        return new Options(v.get("--model"), v.get("--config"), v.get("--data"), whole(v, "--epochs"),
                whole(v, "--batch-size"), number(v, "--lr"), number(v, "--momentum"), seed(v),
                v.get("--checkpoint-dir"), whole(v, "--workers"), whole(v, "--limit"), whole(v, "--checkpoint-every"),
                v.get("--device"), whole(v, "--test-every"));
    }

    /** Option {@code name} as an int, or an error naming it (a word, a fraction, or past the int range). */
    private static int whole(Map<String, String> v, String name) {
        try {
            return Integer.parseInt(v.get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number up to " + Integer.MAX_VALUE + ", got '"
                    + v.get(name) + "'\n" + USAGE, e);
        }
    }

    private static long seed(Map<String, String> v) {
        try {
            return Long.parseLong(v.get("--seed"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--seed must be a whole number, got '" + v.get("--seed") + "'\n" + USAGE,
                    e);
        }
    }

    private static double number(Map<String, String> v, String name) {
        try {
            return Double.parseDouble(v.get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, got '" + v.get(name) + "'\n" + USAGE, e);
        }
    }

    /**
     * The options a resumed run must share with the checkpoint's run, as checkpoint settings. Not the device: a run
     * may go on on GPUs from a checkpoint written on CPUs, or back (the weights are float32 either way).
     */
    Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("--model", model);
        if (!config.isEmpty()) { // LeNet-5's settings stay those of its earlier checkpoints
            AlexNet.Config c = AlexNet.Config.parse(config); // one spelling, whatever the order of the keys
            s.put("--config", "variant=" + c.variant().name().toLowerCase(java.util.Locale.ROOT) + ",channels="
                    + c.channels() + ",size=" + c.size() + ",dropout=" + c.dropout());
        }
        s.put("--batch-size", Integer.toString(batchSize));
        s.put("--lr", Double.toString(lr));
        s.put("--momentum", Double.toString(momentum));
        s.put("--seed", Long.toString(seed));
        s.put("--workers", Integer.toString(workers));
        s.put("--limit", Integer.toString(limit));
        return s;
    }
}
