package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import striate.cli.report.Report;
import striate.data.Dataset;
import striate.data.ImageFolder;
import striate.data.MnistFolder;
import striate.data.Normalization;
import striate.models.AlexNet;
import striate.tensor.Device;
import striate.train.Evaluation;

/**
 * {@code striate evaluate --checkpoint F [--report DIR]}: test-set accuracy, loss and per-class precision/recall of a
 * checkpoint, and with {@code --report} the report {@code striate train} writes (curves from the checkpoint's history of
 * epochs, the confusion matrix, first-layer filters, misclassified images), e.g. for a checkpoint of a Spark run.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a checkpoint on the test set of an MNIST-format folder (lenet5) or an image folder "
                + "(alexnet).")
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "<file>", description = "A checkpoint (.ckpt).")
    Path checkpoint;

    @Option(names = "--data", paramLabel = "<dir>", description = "lenet5: a folder with t10k-images-idx3-ubyte and "
            + "t10k-labels-idx1-ubyte, each optionally .gz (default: Debian's Fashion-MNIST); alexnet: an image folder, whose val/ (or test/) subfolder is used when it has one.")
    Path data;

    @Option(names = "--resize", description = "alexnet: shorter side before the centre crop (default: size x "
            + "256/224, as in training).")
    Integer resize;

    @Option(names = "--report", paramLabel = "<dir>", description = "Also write the training report into this folder: "
            + "metrics.json and the pictures of 'striate train' (loss and accuracy curves from the checkpoint's epoch "
            + "history, confusion matrix, first-layer filters, misclassified images).")
    Path report;

    @Option(names = "--workers", defaultValue = "2", description = "Threads that decode images (default: "
            + "${DEFAULT-VALUE}).")
    int workers;

    @Mixin
    DeviceOption deviceOption;

    @Override
    public Integer call() throws IOException {
        Device device = deviceOption.device;
        CheckpointModel cm = CheckpointModel.load(checkpoint, device);
        if (report != null && cm.checkpoint().history().isEmpty()) {
            throw new IllegalArgumentException(checkpoint + " has no finished epoch in its history, so there are no "
                    + "curves to draw; --report needs a checkpoint written at or after the end of an epoch");
        }
        Dataset test;
        List<String> classNames;
        List<Normalization> normalization;
        if (cm.checkpoint().modelName().equals(AlexNet.NAME)) {
            if (data == null) {
                throw new IllegalArgumentException("an alexnet checkpoint needs --data <image folder>");
            }
            AlexNet.Config c = AlexNet.Config.parse(cm.checkpoint().modelConfig());
            ImageFolder folder = TrainingData.testFolder(data, c.size(),
                    resize != null ? resize : ImageFolder.defaultResize(c.size()), c.channels());
            if (folder.classes() != c.classes()) {
                throw new IllegalArgumentException(folder.root() + " has " + folder.classes() + " class folders but "
                        + "the checkpoint's model has " + c.classes() + " classes");
            }
            test = folder;
            classNames = folder.classNames();
            normalization = folder.normalization();
        } else {
            if (resize != null) { // it was ignored
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--resize is for alexnet "
                        + "checkpoints' image folders; " + cm.checkpoint().modelName() + " takes MNIST-format images "
                        + "as they are");
            }
            // the t10k files alone: evaluation reads no training files
            Path folder = data != null ? data : MnistFolder.defaultFashionMnistFolder();
            test = TrainingData.requireLeNetSize(MnistFolder.testSet(folder, Normalization.FASHION_MNIST), folder);
            if (test.size() == 0) { // it failed on "no predictions", naming no file
                throw new IllegalArgumentException(folder + ": its t10k-images file holds no images; nothing to "
                        + "evaluate");
            }
            classNames = TrainingData.mnistClassNames(cm.checkpoint());
            normalization = List.of(Normalization.FASHION_MNIST);
        }

        Evaluation e = Evaluation.of(cm.model(), test, device, Evaluation.batchSizeFor(test, 64), workers);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s (%s), epoch %d: test accuracy %.4f, test loss %.4f on %d images%n", cm.checkpoint().modelName(),
                cm.checkpoint().modelConfig(), cm.checkpoint().epoch(), e.accuracy(), e.loss(), e.actual().length);
        out.println(e.metrics().table(classNames));
        out.flush();
        if (report != null) {
            Map<String, String> settings = cm.checkpoint().settings();
            String trainedOn = settings.getOrDefault("--device", settings.getOrDefault("--devices", "not recorded"));
            Report r = new Report(cm.checkpoint().modelName(), trainedOn, classNames, cm.checkpoint().history(), e.metrics(), e.loss(),
                    TrainCommand.firstConvWeight(cm.model()), TrainCommand.misclassified(test, e, 36), normalization,
                    settings.getOrDefault("--precision", "fp32"));
            List<Path> files = r.write(report, spec.commandLine().getErr()); // a picture that fails is a warning
            out.println("report: " + files.stream().map(p -> p.getFileName().toString()).toList() + " in "
                    + report.toAbsolutePath());
            out.flush();
        }
        return 0;
    }
}
