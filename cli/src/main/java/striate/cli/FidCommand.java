package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import striate.data.Idx;
import striate.data.IdxImages;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.train.FidLeNet;

/**
 * {@code striate fid --checkpoint LENET.ckpt --a IMAGES --b IMAGES}: the FID-LeNet ({@link FidLeNet}) between two
 * MNIST-format image files of 28×28 grey images, normalised as {@code striate train} does for Fashion-MNIST.
 */
@Command(name = "fid", mixinStandardHelpOptions = true,
        description = "Print the FID-LeNet (Frechet distance of LeNet-5 features; not comparable with Inception FIDs) "
                + "between two MNIST-format image files.")
final class FidCommand implements Callable<Integer> {
    private static final int SIZE = 28;

    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "<file>",
            description = "A LeNet-5 checkpoint (.ckpt) written by 'striate train'.")
    Path checkpoint;

    @Option(names = "--a", required = true, paramLabel = "<file>", description = "An idx3 image file (optionally .gz).")
    Path a;

    @Option(names = "--b", required = true, paramLabel = "<file>", description = "An idx3 image file (optionally .gz).")
    Path b;

    @Option(names = "--limit", defaultValue = "0", description = "Use the first N images of each file (default: all).")
    int limit;

    @Mixin
    DeviceOption deviceOption;

    @Override
    public Integer call() throws IOException {
        Device device = deviceOption.device;
        if (limit < 0) {
            throw new IllegalArgumentException("--limit must be >= 0 (0: all images), got " + limit);
        }
        FidLeNet fid = FidLeNet.load(checkpoint, device);
        Tensor x = read("--a", a);
        Tensor y = read("--b", b);
        double score = fid.score(x, y);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("FID-LeNet %.4f between %d images of %s and %d images of %s%n", score, x.dim(0), a, y.dim(0), b);
        out.flush();
        return 0;
    }

    /** The images of {@code file}, the first {@code limit} when set: [n, 1, 28, 28], normalised. */
    private Tensor read(String option, Path file) throws IOException {
        IdxImages images = Idx.readImages(file);
        if (images.rows() != SIZE || images.cols() != SIZE) {
            throw new IllegalArgumentException(option + " " + file + " holds " + images.rows() + "x" + images.cols()
                    + " images, but FID-LeNet needs 28x28; resize them to 28x28 first");
        }
        int n = limit > 0 ? Math.min(limit, images.count()) : images.count();
        if (n < 2) {
            throw new IllegalArgumentException(option + " " + file + " has " + n + " image(s); FID-LeNet needs at "
                    + "least 2 per set (and more than 84 for a full-rank covariance)");
        }
        return FidLeNet.images(images.pixels(), n);
    }
}
