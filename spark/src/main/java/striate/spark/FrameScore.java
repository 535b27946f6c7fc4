package striate.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.TaskContext;
import striate.data.EncodedImages;
import striate.nn.Module;
import striate.tensor.Device;
import striate.train.Checkpoint;
import striate.train.CheckpointException;
import striate.train.Evaluation;

/**
 * The final weights scored on a DataFrame's test images by an ordinary Spark job after training: each task loads the
 * run's checkpoint, scores the centre crops of its partition's images on its executor's device, and returns its
 * counts (right, loss sum, images); the driver adds them up. The images never pass through one machine.
 */
final class FrameScore {
    private FrameScore() {
    }

    /** {@code test}'s images scored with the checkpoint in {@code o}'s checkpoint folder, a model of {@code classes}. */
    static Worker.Test score(ImageFrame test, Options o, int classes) {
        // a task per worker's slot at most: each loads the checkpoint once
        List<double[]> parts = FrameShards.examples(test).coalesce(o.workers()).mapPartitions(rows -> {
            List<FrameShards.Example> mine = new ArrayList<>();
            rows.forEachRemaining(mine::add);
            if (mine.isEmpty()) {
                return List.<double[]>of().iterator();
            }
            EncodedImages images = FrameShards.images(mine, classes, o);
            TaskContext task = TaskContext.get();
            Device device = o.onGpus() ? BarrierTask.gpu(task.resourcesJMap(), task.partitionId())
                    : Device.parse("cpu:0");
            Module model = trained(o, classes, device);
            Evaluation e = Evaluation.of(model, images, device, Evaluation.batchSizeFor(images, o.batchSize()));
            return List.of(new double[] {e.correct(), e.loss() * images.size(), images.size()}).iterator();
        }).collect();
        double right = 0;
        double loss = 0;
        double images = 0;
        for (double[] p : parts) {
            right += p[0];
            loss += p[1];
            images += p[2];
        }
        if (images == 0) {
            throw new IllegalArgumentException("the test DataFrame has no images");
        }
        return new Worker.Test(right / images, loss / images, (int) images);
    }

    /** The model with the run's last checkpoint's weights, on {@code device}. */
    private static Module trained(Options o, int classes, Device device) {
        try {
            CheckpointStore store = CheckpointStore.open(o.checkpointDir());
            Checkpoint c = store.load();
            if (c == null) {
                throw new IllegalStateException(store.location() + " is missing: the run wrote no checkpoint to score");
            }
            Module model = Worker.model(o, classes);
            model.to(device);
            try {
                c.requireModel(o.model()).restoreInto(model);
            } catch (CheckpointException e) {
                throw store.located(e);
            }
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException("scoring the test images: " + e.getMessage(), e);
        }
    }
}
