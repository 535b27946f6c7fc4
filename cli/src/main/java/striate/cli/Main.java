package striate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code striate} command: subcommands train, evaluate, predict, tagger (train, evaluate, tag), charlm (train,
 * evaluate), generate, adding, word2vec, similar, analogy, summary, demo, doctor, export-images, brown-text,
 * synonyms, textcnn (train, evaluate, export-data), classify, fid, gan and vae. Exit codes: 0 ok, 2 usage error
 * (unknown command, model or option), 1 failure. Errors are one line on stderr; {@code --verbose} adds the stack trace.
 * Run through {@code bin/striate}, which adds the JVM flags; a plain {@code java -jar} (on Java 25: {@link Launch}
 * says so on an older one) works too and gets a one-line notice when the Vector API module is missing.
 */
@Command(name = "striate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Striate: deep learning on the JVM, one model definition on CPU and NVIDIA GPUs.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, TaggerCommand.class,
                CharLmCommand.class, GenerateCommand.class, AddingCommand.class, Word2VecCommand.class,
                SimilarCommand.class, AnalogyCommand.class, SummaryCommand.class,
                DemoCommand.class, DoctorCommand.class, ExportImagesCommand.class, BrownTextCommand.class,
                SynonymsCommand.class, TextCnnCommand.class, ClassifyCommand.class, FidCommand.class, GanCommand.class,
                VaeCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print the stack trace of a failure.")
    boolean verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "missing command: choose one of " + String.join(", ",
                spec.subcommands().keySet().stream().filter(name -> !name.equals("help")).toList()));
    }

    public static void main(String[] args) {
        if (!DoctorCommand.vectorApiPresent()) {
            System.err.println("striate: note: jdk.incubator.vector is not present, so only scalar kernels run; start "
                    + "java with --add-modules jdk.incubator.vector (bin/striate does)");
        }
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = run(out, err, args);
        out.flush();
        err.flush();
        System.exit(code);
    }

    /** Runs the command line with these streams and returns the exit code (for main and for tests). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setParameterExceptionHandler(Main::usageError);
        cmd.setExecutionExceptionHandler((e, c, parsed) -> failure(e, c, parsed));
        try {
            return cmd.execute(args);
        } catch (OutOfMemoryError e) { // an Error passes picocli's handler: one line too, not the JVM's stack trace
            if (java.util.Arrays.asList(args).contains("--verbose")) {
                e.printStackTrace(err);
            } else {
                err.println("striate: error: " + outOfMemory(e) + " (--verbose shows details)");
            }
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        }
    }

    private static int usageError(ParameterException e, String[] args) {
        CommandLine c = e.getCommandLine();
        PrintWriter err = c.getErr();
        String message = e.getMessage().endsWith(".") ? e.getMessage() : e.getMessage() + ".";
        if (e instanceof UnmatchedArgumentException u && !c.getSubcommands().isEmpty()
                && !u.getUnmatched().isEmpty() && !u.getUnmatched().getFirst().startsWith("-")) {
            message = "unknown command '" + u.getUnmatched().getFirst() + "'; commands: "
                    + String.join(", ", c.getSubcommands().keySet()) + ".";
        }
        err.println("striate: " + message + " Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
        UnmatchedArgumentException.printSuggestions(e, err);
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }

    private static int failure(Exception e, CommandLine c, ParseResult parsed) {
        PrintWriter err = c.getErr();
        if (verbose(parsed)) {
            e.printStackTrace(err);
        } else {
            // one line, without the control bytes a binary file's contents may put in a message
            err.println("striate: error: " + describe(e).replaceAll("\\p{Cntrl}", " ") + " (--verbose shows details)");
        }
        err.flush();
        return CommandLine.ExitCode.SOFTWARE;
    }

    /**
     * A failure's one line: its message (that of the cause a wrapper such as UncheckedIOException carries), or, for a
     * file-system error, whose message is often just the path, the path and what went wrong with it.
     */
    static String describe(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) { // also when a data loader's or replica's thread ran out
            if (c instanceof OutOfMemoryError oom) {
                return outOfMemory(oom);
            }
        }
        while ((e instanceof java.io.UncheckedIOException || e instanceof java.util.concurrent.ExecutionException
                || e instanceof java.util.concurrent.CompletionException) && e.getCause() != null) {
            e = e.getCause(); // a wrapper's message is its cause's toString(), which names Java's classes
        }
        if (e instanceof java.nio.file.FileSystemException f) {
            return (f.getFile() == null ? "" : f.getFile() + ": ") + striate.train.AtomicFile.reason(f)
                    + (f.getOtherFile() == null ? "" : " (and " + f.getOtherFile() + ")");
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** An out-of-memory error's line: what ran out and how to get more. */
    static String outOfMemory(OutOfMemoryError e) {
        return "out of memory" + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")") + ": a smaller batch, "
                + "model or sample count needs less; more heap: STRIATE_JAVA_OPTS=-Xmx<size>";
    }

    /** True when --verbose was given at any level of the command line. */
    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** {@code --version}: the project version (from the build) and the Java runtime. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"striate " + version(), "Java " + Runtime.version() + " ("
                    + System.getProperty("java.vendor") + ")"};
        }
    }

    /** The project version the build wrote into version.properties. */
    static String version() {
        try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
