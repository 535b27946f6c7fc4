package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import striate.cli.report.Report;
import striate.data.MnistFolder;
import striate.data.Normalization;
import striate.tensor.Device;
import striate.train.Evaluation;

/** {@code striate evaluate --checkpoint F}: test-set accuracy, loss and per-class precision/recall of a checkpoint. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a checkpoint on the test set of an MNIST-format folder.")
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "<file>", description = "A checkpoint (.ckpt).")
    Path checkpoint;

    @Option(names = "--data", paramLabel = "<dir>", description = "MNIST-format folder (default: Debian's "
            + "Fashion-MNIST).")
    Path data;

    @Option(names = "--device", defaultValue = "cpu", converter = DeviceConverter.class, paramLabel = "<device>",
            description = "reference, cpu or cuda:<index> (default: ${DEFAULT-VALUE}).")
    Device device;

    @Override
    public Integer call() throws IOException {
        CheckpointModel cm = CheckpointModel.load(checkpoint, device);
        MnistFolder mnist = MnistFolder.open(data != null ? data : MnistFolder.defaultFashionMnistFolder());
        Evaluation e = Evaluation.of(cm.model(), mnist.test(Normalization.FASHION_MNIST), device, 1000);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%s (%s), epoch %d: test accuracy %.4f, test loss %.4f on %d images%n", cm.checkpoint().modelName(),
                cm.checkpoint().modelConfig(), cm.checkpoint().epoch(), e.accuracy(), e.loss(), e.actual().length);
        out.println(e.metrics().table(Report.FASHION_MNIST_CLASSES));
        out.flush();
        return 0;
    }
}
