package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The command line's contract: what each command prints, and exit codes 0 ok, 2 usage error, 1 failure. */
class MainTest {
    /** One run's exit code and streams. */
    record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void doctorListsEveryBackendAndTheJvm() {
        Result r = run("doctor");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("  reference: available"), r.out());
        assertTrue(r.out().contains("  cpu: available"), r.out());
        String cuda = striate.cuda.CudaProbe.unavailableReason();
        assertTrue(r.out().contains(cuda == null ? "  cuda: available" : "  cuda: unavailable: " + cuda), r.out());
        assertTrue(r.out().contains("cuda:\n  driver: libcuda.so.1"), r.out());
        assertTrue(r.out().contains("  cuBLAS: libcublas.so.12") && r.out().contains("  cuDNN: libcudnn.so.9"), r.out());
        assertTrue(r.out().contains("java: " + Runtime.version()), r.out());
        assertTrue(r.out().contains("vector API: present"), "surefire starts the JVM with the module: " + r.out());
        assertTrue(r.out().contains("native access: enabled"), r.out());
        assertTrue(r.out().contains("cores: " + Runtime.getRuntime().availableProcessors()), r.out());
        assertTrue(r.out().contains("memory: max heap "), r.out());
        String nccl = striate.cuda.NcclEngine.describe();
        assertTrue(nccl.matches("(\\d+\\.\\d+\\.\\d+ \\(.*|unavailable: .*)"), "NCCL's version or why not: " + nccl);
        assertTrue(r.out().contains("\nnccl: " + nccl + "\n"), r.out());
    }

    @Test
    void versionAndHelp() {
        Result v = run("--version");
        assertEquals(0, v.code());
        assertTrue(v.out().matches("(?s)striate \\d+\\.\\d+\\.\\d+.*"), v.out());
        Result h = run("--help");
        assertEquals(0, h.code());
        assertTrue(h.out().contains("doctor") && h.out().contains("summary") && h.out().contains("demo"), h.out());
        assertEquals(0, run("help", "summary").code());
        assertEquals(0, run("demo", "--help").code());
    }

    /**
     * Every command's and subcommand's help renders its descriptions: picocli formats them with String.format, and a
     * lone '%' (as in "10%") makes it print a warning on stderr and show the raw text.
     */
    @Test
    void everyHelpFormatsItsDescriptions() {
        java.util.List<String> bad = new java.util.ArrayList<>();
        java.util.ArrayDeque<picocli.CommandLine> todo = new java.util.ArrayDeque<>();
        todo.add(new picocli.CommandLine(new Main()));
        java.io.PrintStream stderr = System.err;
        int commands = 0;
        try {
            while (!todo.isEmpty()) {
                picocli.CommandLine c = todo.poll();
                todo.addAll(c.getSubcommands().values());
                java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
                System.setErr(new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
                String usage = c.getUsageMessage(picocli.CommandLine.Help.Ansi.OFF);
                System.err.flush();
                commands++;
                if (warnings.size() > 0 || usage.contains("%n")) {
                    bad.add(c.getCommandSpec().qualifiedName() + ": " + warnings.toString(
                            java.nio.charset.StandardCharsets.UTF_8).strip());
                }
            }
        } finally {
            System.setErr(stderr);
        }
        assertTrue(commands > 25, "commands and subcommands walked: " + commands);
        assertEquals(java.util.List.of(), bad);
    }

    /** A file-system error's message is often its path alone: the line adds what went wrong with it. */
    @Test
    void aFileSystemErrorSaysWhatWentWrongWithThePath() {
        assertEquals("/proc/x: permission denied", Main.describe(new java.nio.file.AccessDeniedException("/proc/x")));
        assertEquals("/tmp/a/v.txt: no such file or folder",
                Main.describe(new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("/tmp/a/v.txt"))));
        assertEquals("/tmp/a: Read-only file system",
                Main.describe(new java.nio.file.FileSystemException("/tmp/a", null, "Read-only file system")));
        assertEquals("a plain message", Main.describe(new IllegalStateException("a plain message")));
        assertEquals("/data/x.png: cannot be decoded", Main.describe(new java.util.concurrent.ExecutionException(
                new java.io.UncheckedIOException("wrapped", new java.io.IOException("/data/x.png: cannot be decoded")))));
        assertEquals("IllegalStateException", Main.describe(new IllegalStateException()));
        // a data loader's or replica's thread that ran out of memory: the same advice as the main thread's
        assertTrue(Main.describe(new IllegalStateException("building batch 3 failed", new OutOfMemoryError(
                "Java heap space"))).startsWith("out of memory (Java heap space): "), "the cause is found");
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        Result r = run("frobnicate");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("striate: unknown command 'frobnicate'; commands: train, evaluate, predict, tagger, charlm, generate, adding, word2vec, similar, analogy, summary, demo, doctor, export-images, brown-text, synonyms, textcnn, classify, fid, gan, vae, help."),
                r.err());
        assertTrue(r.err().contains("Run 'striate --help' for usage."), r.err());
        assertEquals("", r.out());
    }

    @Test
    void unknownOptionIsAUsageError() {
        Result r = run("doctor", "--frob");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("'--frob'") && r.err().contains("Run 'striate doctor --help'"), r.err());
    }

    @Test
    void noSubcommandIsAUsageError() {
        Result r = run();
        assertEquals(2, r.code());
        assertTrue(r.err().contains("missing command: choose one of train, evaluate, predict"), r.err());
        String first = r.err().lines().findFirst().orElse("");
        assertTrue(first.contains(", fid, ") && !first.contains(", help"), "every command, from the one list: " + first);
    }

    @Test
    void unknownModelIsAUsageErrorNamingTheKnownOnes() {
        Result r = run("summary", "nope");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown model 'nope'; known models: lenet5, alexnet, mlp-xor"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void summaryPrintsOutputShapesAndParameterCounts() {
        Result r = run("summary", "mlp-xor");
        assertEquals(0, r.code(), r.err());
        // Linear(2, 4): 4·2 + 4 = 12; Linear(4, 1): 1·4 + 1 = 5; the example input is a batch of the 4 patterns.
        assertTrue(r.out().contains("0      Linear(2, 4)  [4, 4]            12"), r.out());
        assertTrue(r.out().contains("2      Linear(4, 1)  [4, 1]             5"), r.out());
        assertTrue(r.out().contains("0.weight   [4, 2]      8"), r.out());
        assertTrue(r.out().contains("2.bias     [1]         1"), r.out());
        assertTrue(r.out().contains("Total parameters: 17"), r.out());
        assertTrue(r.out().contains("on cpu"), r.out());
    }

    @Test
    void lenet5SummaryShowsTheClassicLayout() {
        Result r = run("summary", "lenet5");
        assertEquals(0, r.code(), r.err());
        // C1: 6 filters of 1x5x5 plus 6 biases = 156; C3: 16·6·25 + 16 = 2,416; C5: 120·16·25 + 120 = 48,120.
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("c1 ") && l.contains("[1, 6, 28, 28]")
                && l.endsWith(" 156")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("s2 ") && l.contains("[1, 6, 14, 14]")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("c3 ") && l.contains("[1, 16, 10, 10]")
                && l.endsWith(" 2,416")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("c5 ") && l.contains("[1, 120, 1, 1]")
                && l.endsWith(" 48,120")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("output ") && l.contains("[1, 10]")), r.out());
        assertTrue(r.out().contains("Total parameters: 61,706"), r.out());
    }

    @Test
    void badDeviceIsAUsageError() {
        Result r = run("summary", "mlp-xor", "--device", "tpu");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown device 'tpu'"), r.err());
    }

    @Test
    void failureIsOneLineWithoutStackTraceUnlessVerbose() {
        org.junit.jupiter.api.Assumptions.assumeFalse(striate.cuda.CudaProbe.available(), "CUDA runs here");
        Result r = run("summary", "mlp-xor", "--device", "cuda:0");
        assertEquals(1, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("striate: error: device cuda:0 is unavailable: "
                + striate.cuda.CudaProbe.unavailableReason()), r.err());
        assertFalse(r.err().contains("\tat "), r.err());

        Result verbose = run("--verbose", "summary", "mlp-xor", "--device", "cuda:0");
        assertEquals(1, verbose.code());
        assertTrue(verbose.err().contains("IllegalStateException") && verbose.err().contains("\tat "), verbose.err());
        Result after = run("summary", "mlp-xor", "--device", "cuda:0", "--verbose");
        assertTrue(after.err().contains("\tat "), "--verbose after the subcommand works too: " + after.err());
    }

    @Test
    void everyRegisteredModelBuilds() {
        assertTrue(Models.names().contains("mlp-xor"));
        for (String name : Models.names()) {
            assertTrue(Models.find(name).orElseThrow().create("").parameterCount() > 0, name);
        }
        assertTrue(Models.find("nope").isEmpty());
    }
}
