package striate.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import striate.models.Sampler;
import striate.tensor.Device;
import striate.tensor.Rng;

/**
 * {@code striate generate --checkpoint F --prompt "The jury"}: continues the prompt with a character language model
 * checkpoint of {@code charlm train} and prints the prompt and its continuation. Each next character is drawn from
 * the model's distribution sharpened or flattened by --temperature (softmax(logits / T)), from a generator seeded with
 * --seed, so the same command prints the same text; --greedy takes the likeliest character instead. A prompt
 * character outside the model's vocabulary is an error naming it, since the model cannot read it.
 */
@Command(name = "generate", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Continue a prompt with a character language model checkpoint (temperature sampling).")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--checkpoint", required = true, paramLabel = "<file>", description = "A checkpoint of "
            + "'striate charlm train' (.ckpt).")
    Path checkpoint;

    @Option(names = "--prompt", required = true, paramLabel = "<text>", description = "The text to continue (at "
            + "least one character, each in the model's vocabulary).")
    String prompt;

    @Option(names = "--length", defaultValue = "200", paramLabel = "<n>", description = "Characters to generate "
            + "(default: ${DEFAULT-VALUE}).")
    int length;

    /** The most characters one run generates (a million is hours of sampling on a CPU; more ran out of memory). */
    static final int MAX_LENGTH = 1_000_000;

    @Option(names = "--temperature", defaultValue = "0.8", paramLabel = "<t>", description = "Sampling temperature, "
            + "> 0: below 1 picks likelier characters, above 1 more varied ones (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--greedy", description = "Take the likeliest character every step (the limit of temperature "
            + "-> 0) instead of sampling.")
    boolean greedy;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    DeviceOption deviceOption;

    @Override
    public Integer call() throws IOException {
        Device device = deviceOption.device;
        if (prompt.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--prompt is empty: give the text to continue, e.g. "
                    + "--prompt \"The jury\"");
        }
        if (length < 1 || length > MAX_LENGTH) {
            throw new ParameterException(spec.commandLine(), "--length must be in [1, " + MAX_LENGTH
                    + "] (characters to generate), got " + length);
        }
        boolean temperatureGiven = spec.commandLine().getParseResult().hasMatchedOption("--temperature");
        if (greedy && temperatureGiven) {
            throw new ParameterException(spec.commandLine(), "--greedy takes the likeliest character and uses no "
                    + "temperature; give one of --greedy and --temperature");
        }
        if (!greedy && (!(temperature > 0) || Double.isInfinite(temperature))) {
            throw new ParameterException(spec.commandLine(), "--temperature must be > 0 and finite, got " + temperature
                    + "; for the likeliest character at every step give --greedy");
        }
        CharLmCheckpoint lm = CharLmCheckpoint.load(checkpoint, device);
        String missing = prompt.codePoints().filter(c -> !lm.chars().contains(c)).distinct()
                .mapToObj(c -> "'" + Character.toString(c) + "' (U+" + String.format("%04X", c) + ")")
                .collect(Collectors.joining(", "));
        if (!missing.isEmpty()) {
            throw new ParameterException(spec.commandLine(), "--prompt has characters the model never saw in its "
                    + "training text: " + missing + "; leave them out or replace them (the model knows "
                    + (lm.chars().size() - 1) + " characters)");
        }
        int[] ids = lm.chars().encodePrompt(prompt);
        int[] generated = greedy ? Sampler.greedy(lm.model(), ids, length)
                : Sampler.sample(lm.model(), ids, length, temperature, new Rng(seed));
        PrintWriter out = spec.commandLine().getOut();
        out.println(prompt + lm.chars().decode(generated));
        out.flush();
        return 0;
    }
}
