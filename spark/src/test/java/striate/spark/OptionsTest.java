package striate.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The spark-submit arguments as the README writes them, their defaults, and one-line errors for bad ones. */
class OptionsTest {
    private static final String[] README = {"--model", "lenet5", "--data", "/shared/fashion-mnist", "--epochs", "5",
        "--batch-size", "64", "--lr", "0.01", "--seed", "42", "--checkpoint-dir", "/shared/runs/lenet5",
        "--workers", "4"};

    /** The README's line with one more option. */
    private static String[] readmeWith(String name, String value) {
        String[] args = java.util.Arrays.copyOf(README, README.length + 2);
        args[README.length] = name;
        args[README.length + 1] = value;
        return args;
    }

    @Test
    void theReadmeLineParsesWithTheDefaults() {
        Options o = Options.parse(README);
        assertEquals(new Options("lenet5", "", "/shared/fashion-mnist", 5, 64, 0.01, 0.9, 42, "/shared/runs/lenet5", 4,
                0, 0, "cpu", 1), o);
        assertFalse(o.onGpus());
    }

    @Test
    void cudaPutsEveryWorkerOnItsTasksGpuAndIsNoSettingOfTheCheckpoint() {
        Options o = Options.parse(readmeWith("--device", "cuda"));
        assertTrue(o.onGpus());
        assertEquals(Options.parse(README).settings(), o.settings(), "a run may resume on the other device");
        assertMessage("--device must be cpu or cuda (each task's own GPU), got cuda:1", readmeWith("--device",
                "cuda:1"));
    }

    @Test
    void testEveryIsHowOftenTheTestImagesAreScoredAndNoSettingOfTheCheckpoint() {
        Options o = Options.parse(readmeWith("--test-every", "0"));
        assertEquals(0, o.testEvery());
        assertEquals(Options.parse(README).settings(), o.settings(), "it changes no weight");
        assertMessage("--test-every must be >= 0, got -1", readmeWith("--test-every", "-1"));
    }

    @Test
    void badArgumentsAreErrorsNamingTheOption() {
        String[] unknown = README.clone();
        unknown[0] = "--modle";
        assertMessage("unknown option '--modle'", unknown);
        String[] model = README.clone();
        model[1] = "vgg16";
        assertMessage("--model vgg16 is not trained on Spark; use --model lenet5", model);
        String[] lenetConfig = readmeWith("--config", "size=64");
        assertMessage("--config sets AlexNet's options", lenetConfig);
        String[] badConfig = lenetConfig.clone();
        badConfig[1] = "alexnet";
        badConfig[README.length + 1] = "size=32";
        assertMessage("--config size=32: AlexNet needs images of at least 63x63", badConfig);
        String[] alexnet = badConfig.clone();
        alexnet[README.length + 1] = "variant=owt,size=64";
        assertEquals("variant=owt,channels=3,size=64,dropout=0.5", Options.parse(alexnet).settings().get("--config"));
        String[] reordered = alexnet.clone();
        reordered[README.length + 1] = "size=64, variant=OWT";
        assertEquals(Options.parse(alexnet).settings(), Options.parse(reordered).settings(), "one spelling");
        String[] classes = alexnet.clone();
        classes[README.length + 1] = "variant=owt,size=64,classes=7";
        assertMessage("--config variant=owt,size=64,classes=7: AlexNet's classes are the image folder's", classes);
        String[] variant = alexnet.clone();
        variant[README.length + 1] = "variant=foo";
        assertMessage("--config variant=foo: unknown AlexNet variant 'foo'; use paper or owt", variant);
        assertFalse(Options.parse(README).settings().containsKey("--config"), "LeNet-5's settings are as before");
        assertMessage("option --workers is required", java.util.Arrays.copyOf(README, README.length - 2));
        assertMessage("option --workers needs a value", java.util.Arrays.copyOf(README, README.length - 1));
        String[] batch = README.clone();
        batch[7] = "0";
        assertMessage("--batch-size must be >= 1", batch);
        // numbers that are not: the option named (it said "not a number: For input string: ...")
        String[] epochs = README.clone();
        epochs[5] = "one";
        assertMessage("--epochs must be a whole number up to 2147483647, got 'one'", epochs);
        epochs[5] = "99999999999";
        assertMessage("--epochs must be a whole number up to 2147483647, got '99999999999'", epochs);
        String[] seed = README.clone();
        seed[11] = "1.5";
        assertMessage("--seed must be a whole number, got '1.5'", seed);
        String[] lr = README.clone();
        lr[9] = "Infinity"; // it passed, then failed in every task
        assertMessage("--lr must be > 0 and finite, got Infinity", lr);
        lr[9] = "fast";
        assertMessage("--lr must be a number, got 'fast'", lr);
    }

    private static void assertMessage(String expected, String[] args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Options.parse(args));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
