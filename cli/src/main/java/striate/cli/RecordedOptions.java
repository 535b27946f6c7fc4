package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import striate.train.Checkpoint;
import striate.train.Trainer;

/**
 * The options a training command ({@code train}, {@code tagger train}) records in every checkpoint, and takes back
 * from {@code last.ckpt} on {@code --resume}: every option but where the run is and how the command line prints.
 * On resume, an option not given takes its recorded value; one given with another value is a usage error naming
 * each, unless it may change (how long to train, where to compute). Values are compared in their canonical
 * spelling ({@link #canonical}: absolute paths, lists joined by commas).
 */
final class RecordedOptions {
    /** Options a checkpoint does not record: where the run is, and how this command line prints. */
    private static final Set<String> NOT_RECORDED = Set.of("--out", "--resume", "--help", "--version", "--verbose");

    private final CommandSpec spec;
    private final Set<String> mayChange;
    private final Set<String> deviceOptions;
    private final Supplier<Object> fresh;

    /**
     * The recorded options of the command {@code spec} describes. {@code mayChange}: those a resumed run may give
     * anew; {@code deviceOptions}: those that say where the run computes (giving one stands for all);
     * {@code fresh}: a new instance of the command, to convert recorded values as its options do.
     */
    RecordedOptions(CommandSpec spec, Set<String> mayChange, Set<String> deviceOptions, Supplier<Object> fresh) {
        this.spec = spec;
        this.mayChange = mayChange;
        this.deviceOptions = deviceOptions;
        this.fresh = fresh;
    }

    /** The values to record, by option name, in canonical spelling; options in {@code left} are left out. */
    Map<String, String> settings(Set<String> left) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (OptionSpec o : recorded()) {
            if (o.getValue() != null && !left.contains(o.longestName())) {
                settings.put(o.longestName(), canonical(o.getValue()));
            }
        }
        return settings;
    }

    private List<OptionSpec> recorded() {
        return spec.options().stream().filter(o -> !NOT_RECORDED.contains(o.longestName())).toList();
    }

    /** An option's value as a checkpoint records it and as the command line accepts it back. */
    static String canonical(Object value) {
        return switch (value) {
            case Path p -> p.toAbsolutePath().normalize().toString();
            case List<?> list -> list.stream().map(String::valueOf).collect(Collectors.joining(","));
            default -> String.valueOf(value);
        };
    }

    /**
     * Loads {@code last.ckpt} of the run in {@code out} and makes its recorded options this command's, for every
     * option not given here; a given option that differs from the recorded one is a usage error naming each (apart
     * from those that may change). A checkpoint from before runs recorded their options is returned with a warning,
     * and the command keeps its own options. {@code models} are the models the command trains: the checkpoint must be
     * of one of them (checked first, so another command's checkpoint is named as such, not as its options); the
     * caller then checks the one its options name.
     */
    Checkpoint resume(Path out, List<String> models) throws IOException {
        Path last = out.resolve(Trainer.LAST);
        if (!Files.exists(last)) {
            throw new IllegalArgumentException("--resume: there is no " + Trainer.LAST + " in " + out
                    + (out.isAbsolute() ? "" : " (" + out.toAbsolutePath() + ")") + " to continue from");
        }
        Checkpoint c = Checkpoint.load(last);
        if (!models.contains(c.modelName())) {
            throw new striate.train.CheckpointException(last, "is a checkpoint of model '" + c.modelName()
                    + "', not a run of this command (its checkpoints are of " + String.join(", ", models)
                    + "); give --out the folder of this command's run, or start a new run in another --out");
        }
        return adopt(c, last, out);
    }

    /** Makes the options {@code c} (loaded from {@code last}, of the run in {@code out}) recorded this command's. */
    private Checkpoint adopt(Checkpoint c, Path last, Path out) {
        Map<String, String> recorded = c.settings();
        if (recorded.isEmpty()) {
            spec.commandLine().getErr().println("striate: warning: " + last + " does not record its run's options "
                    + "(it was written before checkpoints did): resuming with this command's options; give the original "
                    + "run's --seed, --lr, --batch-size and the rest to continue it as it was");
            return c;
        }
        ParseResult given = spec.commandLine().getParseResult();
        boolean deviceGiven = deviceOptions.stream().anyMatch(given::hasMatchedOption);
        List<String> conflicts = new ArrayList<>();
        List<String> adopted = new ArrayList<>();
        for (OptionSpec o : recorded()) {
            String name = o.longestName();
            String was = recorded.get(name);
            if (given.hasMatchedOption(name)) {
                String now = canonical(o.getValue());
                if (!mayChange.contains(name) && !now.equals(was)) {
                    conflicts.add(name + " " + now + " (the run has " + (was == null ? "none" : was) + ")");
                }
            } else if (was != null && !(deviceOptions.contains(name) && deviceGiven)) {
                adopted.add(name + "=" + was);
            }
        }
        if (!conflicts.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--resume continues the run in " + out + " with the "
                    + "options it recorded, and these differ: " + String.join(", ", conflicts) + "; leave them out, "
                    + "or start a new run in another --out");
        }
        CommandLine run = new CommandLine(fresh.get());
        run.parseArgs(adopted.toArray(String[]::new));
        for (String a : adopted) {
            String name = a.substring(0, a.indexOf('='));
            spec.findOption(name).setValue(run.getCommandSpec().findOption(name).getValue());
        }
        return c;
    }

    /**
     * Says so when a resumed run computes elsewhere than it did: the same computation, rounded differently.
     * {@code now} is the canonical device (or devices) of this command.
     */
    void noteDevice(Checkpoint c, String now) {
        Map<String, String> recorded = c.settings();
        String before = deviceOptions.stream().sorted().map(recorded::get).filter(Objects::nonNull).findFirst()
                .orElse(null);
        if (before != null && !before.equals(now)) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("striate: note: the run trained on " + before + " and continues on " + now + ": the same "
                    + "computation, rounded differently, so not bit for bit what " + before + " would give");
        }
    }
}
