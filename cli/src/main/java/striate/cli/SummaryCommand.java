package striate.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import striate.nn.Module;
import striate.nn.Summary;
import striate.nn.Parameter;
import striate.tensor.Device;

/**
 * {@code striate summary <model>}: builds a registered model ({@link Models}) on a device and prints each layer's
 * output shape and parameter count (one forward pass on the model's example input), then every parameter.
 */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Print a model's layers and parameter counts.")
final class SummaryCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "<model>", completionCandidates = Models.Names.class,
            description = "The model: ${COMPLETION-CANDIDATES}.")
    String model;

    @Option(names = "--device", defaultValue = "cpu", converter = DeviceConverter.class, paramLabel = "<device>",
            description = "Device to build the model on: reference, cpu or cuda:<index> (default: ${DEFAULT-VALUE}).")
    Device device;

    @Option(names = "--config", defaultValue = "", paramLabel = "<key=value,...>",
            description = "Model options, e.g. variant=owt,classes=10,size=64 for alexnet (default: the model's own).")
    String config;

    @Override
    public Integer call() {
        Models.Entry entry = Models.find(model).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "unknown model '" + model + "'; known models: " + String.join(", ", Models.names())));
        Module m = entry.create(config).to(device);
        PrintWriter out = spec.commandLine().getOut();
        out.println(entry.name() + ": " + entry.description() + " (" + m + " on " + m.device() + ")");
        out.println();
        out.print(Summary.of(m, entry.input(config)));
        out.println();
        List<String[]> params = new ArrayList<>();
        params.add(new String[] {"parameter", "shape", "count"});
        for (Map.Entry<String, Parameter> p : m.namedParameters().entrySet()) {
            params.add(new String[] {p.getKey(), p.getValue().value().shape().toString(),
                    Long.toString(p.getValue().value().size())});
        }
        print(out, params);
        out.flush();
        return 0;
    }

    /** Left-aligned columns, two spaces apart; the last column (counts) right-aligned. */
    private static void print(PrintWriter out, List<String[]> rows) {
        int[] width = new int[rows.getFirst().length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                boolean last = i == r.length - 1;
                String pad = " ".repeat(width[i] - r[i].length());
                line.append(last ? pad + r[i] : r[i] + pad + "  ");
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
