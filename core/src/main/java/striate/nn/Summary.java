package striate.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import striate.autograd.GradMode;
import striate.tensor.DType;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/**
 * A printable table of a model, like torchsummary: one row per leaf layer (dotted name, description, output
 * shape, parameter count) and the total parameter count. Output shapes come from one forward pass on zeros
 * of {@code inputShape} (float32 unless asked, on the model's device) in evaluation mode without autograd; the model's
 * train/eval mode is restored afterwards. Sequential containers are walked child by child; any other module
 * with children is run, and listed, as one row.
 */
public final class Summary {
    private Summary() {
    }

    private record Row(String name, String layer, Shape output, long parameters) {
    }

    /** The table for {@code model} fed an input of {@code inputShape}, e.g. [1, 1, 28, 28]. */
    public static String of(Module model, Shape inputShape) {
        return of(model, inputShape, DType.F32);
    }

    /** The table for {@code model} fed zeros of {@code inputType}: int32 for a model that starts with an Embedding. */
    public static String of(Module model, Shape inputShape, DType inputType) {
        boolean wasTraining = model.isTraining();
        List<Row> rows = new ArrayList<>();
        model.eval();
        try (GradMode.Scope off = GradMode.off()) {
            Tensor x = Tensor.zeros(model.device(), inputType, inputShape.dims());
            walk("", model, x, rows);
        } finally {
            if (wasTraining) {
                model.train();
            }
        }
        return format(model, inputShape, rows);
    }

    private static Tensor walk(String name, Module m, Tensor x, List<Row> rows) {
        if (m instanceof Sequential && !m.children().isEmpty()) {
            for (Map.Entry<String, Module> e : m.children().entrySet()) {
                x = walk(name.isEmpty() ? e.getKey() : name + "." + e.getKey(), e.getValue(), x, rows);
            }
            return x;
        }
        Tensor y = m.forward(x);
        String layer = m.toString().isBlank() ? m.getClass().getName() : m.toString(); // anonymous classes
        rows.add(new Row(name.isEmpty() ? "(model)" : name, layer, y.shape(), m.parameterCount()));
        return y;
    }

    private static String format(Module model, Shape inputShape, List<Row> rows) {
        String[] head = {"Layer", "Type", "Output shape", "Params"};
        int[] width = {head[0].length(), head[1].length(), Math.max(head[2].length(), inputShape.toString().length()),
                head[3].length()};
        for (Row r : rows) {
            width[0] = Math.max(width[0], r.name().length());
            width[1] = Math.max(width[1], r.layer().length());
            width[2] = Math.max(width[2], r.output().toString().length());
            width[3] = Math.max(width[3], String.format(Locale.ROOT, "%,d", r.parameters()).length());
        }
        String rowFormat = "%-" + width[0] + "s  %-" + width[1] + "s  %-" + width[2] + "s  %" + width[3] + "s";
        int total = width[0] + width[1] + width[2] + width[3] + 6;
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, rowFormat, (Object[]) head).stripTrailing()).append('\n');
        sb.append("-".repeat(total)).append('\n');
        sb.append(String.format(Locale.ROOT, rowFormat, "input", "", inputShape, "").stripTrailing()).append('\n');
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, rowFormat, r.name(), r.layer(), r.output(),
                    String.format(Locale.ROOT, "%,d", r.parameters())).stripTrailing()).append('\n');
        }
        sb.append("-".repeat(total)).append('\n');
        sb.append(String.format(Locale.ROOT, "Total parameters: %,d\n", model.parameterCount()));
        return sb.toString();
    }
}
