package striate.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of labelled PNG/JPEG images, one subfolder per class ({@code root/<class>/<any path>/<image>}), read
 * lazily: each access decodes the file (javax.imageio), resizes it so the shorter side is {@code resize}, crops
 * {@code crop x crop} and normalizes per channel, giving [channels, crop, crop] floats. Classes are the
 * subfolders sorted by name, the label being the position (as torchvision's ImageFolder); folders and files whose
 * name starts with '.' are skipped. Images are the files ending in .png, .jpg or .jpeg (any case), sorted by
 * path; other files are counted in {@link #ignoredFiles()} and logged. {@link #image} takes the centre crop;
 * the {@link #augmented()} view's {@link #sample} takes a random crop, mirrored with probability 1/2.
 *
 * <p>A file that cannot be decoded fails the read with an {@link UncheckedIOException} whose cause is a
 * {@link DataFileException} naming it. With {@code skipUnreadable(true)}, the index checks each file's header
 * (format recognized, width and height readable; one small read per file) and drops those that fail, with a
 * warning each; a file whose header is fine but whose data is corrupt still fails when read.
 *
 * <pre>{@code
 * ImageFolder train = ImageFolder.builder(Path.of("imagenet/train")).resize(256).crop(224).build().augmented();
 * ImageFolder val = ImageFolder.builder(Path.of("imagenet/val")).build();
 * }</pre>
 */
public final class ImageFolder extends CroppedImages {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolder.class);
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    private final Path root;
    private final List<String> classNames;
    private final String[] files; // [n] paths relative to root; Strings, as millions of Paths cost twice the memory
    private final int ignoredFiles;
    private final List<Path> skippedFiles;
    private ImageFolder(Path root, List<String> classNames, String[] files, int[] labels, int ignoredFiles,
            List<Path> skippedFiles, ResizeCrop transform, boolean augment) {
        super(labels, classNames.size(), transform, augment);
        this.root = root;
        this.classNames = classNames;
        this.files = files;
        this.ignoredFiles = ignoredFiles;
        this.skippedFiles = skippedFiles;
    }

    /** Options for the folder {@code root}; defaults: resize 256, crop 224, 3 channels, ImageNet normalization. */
    public static Builder builder(Path root) {
        return new Builder(root);
    }

    /** The same images (sharing the index) whose {@link #sample} is a random crop, flipped with probability 1/2. */
    public ImageFolder augmented() {
        return new ImageFolder(root, classNames, files, labels, ignoredFiles, skippedFiles, transform, true);
    }

    public Path root() {
        return root;
    }

    /** Class names in label order (the sorted subfolder names). */
    public List<String> classNames() {
        return classNames;
    }

    /** The shorter side images are resized to before cropping. */
    public int resize() {
        return transform.resize();
    }

    /** The image file of example {@code i}. */
    public Path file(int i) {
        return root.resolve(files[i]);
    }

    /** Files under the class folders that are not .png/.jpg/.jpeg images (or are hidden), and so not used. */
    public int ignoredFiles() {
        return ignoredFiles;
    }

    /** Image files dropped because their header could not be read (only with {@code skipUnreadable}). */
    public List<Path> skippedFiles() {
        return skippedFiles;
    }

    @Override
    Pixels decode(int i) {
        if (i < 0 || i >= files.length) {
            throw new IndexOutOfBoundsException("example " + i + " of an image folder of " + files.length);
        }
        Path file = file(i);
        try {
            BufferedImage img = ImageIO.read(file.toFile());
            if (img == null) {
                throw new DataFileException(file, "is not an image any ImageIO reader recognizes; " + remedy());
            }
            return Pixels.of(img);
        } catch (DataFileException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        } catch (IOException | RuntimeException e) { // decoders throw unchecked exceptions on some corrupt data
            DataFileException named = new DataFileException(file, "cannot be decoded (" + e + "); " + remedy(), e);
            throw new UncheckedIOException(named.getMessage(), named);
        }
    }

    private static String remedy() {
        return "the file is corrupt, truncated or not really a PNG/JPEG: replace or delete it (in code, "
                + "ImageFolder.builder(...).skipUnreadable(true) drops files whose header cannot be read)";
    }

    /** The shorter side before cropping when none is given: {@code size} × 256/224, as for ImageNet's 224 crops. */
    public static int defaultResize(int size) {
        return Math.round(size * 256f / 224);
    }

    /** Options; checked, and the folder indexed, by {@link #build()}. */
    public static final class Builder {
        private final Path root;
        private int resize = 256;
        private int crop = 224;
        private int channels = 3;
        private List<Normalization> normalization;
        private boolean skipUnreadable;

        private Builder(Path root) {
            if (root == null) {
                throw new IllegalArgumentException("an ImageFolder needs a root folder");
            }
            this.root = root;
        }

        /** The shorter side after resizing (default 256). */
        public Builder resize(int shorterSide) {
            this.resize = shorterSide;
            return this;
        }

        /** The side of the square crop, at most the resize (default 224); height and width of every example. */
        public Builder crop(int size) {
            this.crop = size;
            return this;
        }

        /** 3 for RGB (default; gray images are replicated) or 1 for luma (colour images are converted). */
        public Builder channels(int channels) {
            this.channels = channels;
            return this;
        }

        /** One (mean, std) per channel; default {@link Normalization#IMAGENET_RGB}, required for 1 channel. */
        public Builder normalization(List<Normalization> perChannel) {
            this.normalization = List.copyOf(perChannel);
            return this;
        }

        /**
         * A model's input as the training commands read it: {@code size}×{@code size} crops of images resized to
         * {@code resize} on the shorter side, in {@code channels} channels, normalized as
         * {@link Normalization#forChannels}.
         */
        public Builder crops(int size, int resize, int channels) {
            return resize(resize).crop(size).channels(channels).normalization(Normalization.forChannels(channels));
        }

        /** Check every file's header while indexing and drop the unreadable ones, logging each (default: fail). */
        public Builder skipUnreadable(boolean skip) {
            this.skipUnreadable = skip;
            return this;
        }

        /**
         * Indexes the folder. A missing root, a root without class folders, or a class folder without images is
         * a {@link DataFileException} naming the folder; so is a class left empty by skipping.
         */
        public ImageFolder build() throws IOException {
            ResizeCrop transform = new ResizeCrop(resize, crop, channels,
                    normalization != null ? normalization : Normalization.IMAGENET_RGB);
            if (!Files.isDirectory(root)) {
                throw new DataFileException(root, (Files.exists(root) ? "is not a folder" : "folder does not exist")
                        + "; expected a folder with one subfolder of images per class");
            }
            List<String> classNames = classFolders(root);
            if (classNames.isEmpty()) {
                throw new DataFileException(root, "has no class folders; expected one subfolder per class, each "
                        + "holding that class's .png/.jpg/.jpeg images (root/<class>/<image>)");
            }
            List<String> files = new ArrayList<>();
            List<Integer> labels = new ArrayList<>();
            List<Path> skipped = new ArrayList<>();
            int ignored = 0;
            for (int label = 0; label < classNames.size(); label++) {
                Path folder = root.resolve(classNames.get(label));
                List<Path> all = filesUnder(folder);
                int images = 0;
                for (Path file : all) {
                    if (!isImageName(file.getFileName().toString())) {
                        ignored++;
                        continue;
                    }
                    String problem = skipUnreadable ? headerProblem(file) : null;
                    if (problem != null) {
                        LOG.warn("{}: skipped, {}", file, problem);
                        skipped.add(file);
                        continue;
                    }
                    files.add(root.relativize(file).toString());
                    labels.add(label);
                    images++;
                }
                if (images == 0) {
                    throw new DataFileException(folder, "class folder holds no usable .png/.jpg/.jpeg image ("
                            + all.size() + " file(s) in it, " + skippedIn(skipped, folder) + " skipped as "
                            + "unreadable); every class needs at least one image: add some or remove the folder");
                }
            }
            LOG.info("{}: {} images in {} classes{}{}", root, files.size(), classNames.size(),
                    ignored > 0 ? "; ignored " + ignored + " other file(s) (not .png/.jpg/.jpeg, or hidden)" : "",
                    skipped.isEmpty() ? "" : "; skipped " + skipped.size() + " unreadable image(s)");
            return new ImageFolder(root, List.copyOf(classNames), files.toArray(String[]::new),
                    labels.stream().mapToInt(Integer::intValue).toArray(), ignored, List.copyOf(skipped), transform,
                    false);
        }
    }

    /** The class names an ImageFolder of {@code root} has: its visible subfolders, sorted by name (one listing). */
    public static List<String> classFolders(Path root) throws IOException {
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).map(p -> p.getFileName().toString())
                    .filter(ImageFolder::isClassFolderName).sorted().toList();
        }
    }

    /** Every regular file under folder (following links), sorted by path. */
    private static List<Path> filesUnder(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder, FileVisitOption.FOLLOW_LINKS)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        }
    }

    /** Whether a subfolder of the root named {@code name} is a class folder: it is not hidden ('.'). */
    public static boolean isClassFolderName(String name) {
        return !name.startsWith(".");
    }

    /** A .png/.jpg/.jpeg name (any case) that is not hidden; macOS's "._x.jpg" files are metadata, not images. */
    public static boolean isImageName(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        return !fileName.startsWith(".") && EXTENSIONS.stream().anyMatch(lower::endsWith);
    }

    private static long skippedIn(List<Path> skipped, Path folder) {
        return skipped.stream().filter(p -> p.startsWith(folder)).count();
    }

    /** Why the header of {@code file} cannot be read (format, width, height), or null if it can. */
    private static String headerProblem(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) {
                return "cannot be opened";
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return "not an image any ImageIO reader recognizes";
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                if (reader.getWidth(0) <= 0 || reader.getHeight(0) <= 0) {
                    return "its header gives no width or height";
                }
                return null;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return "its header cannot be read (" + e + ")";
        }
    }
}
