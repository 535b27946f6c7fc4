package striate.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PTX modules built from {@code src/main/cuda/*.cu}, read from the class path
 * ({@code striate/kernels/<name>.ptx}), and the kernel symbols each one defines ({@code .entry} lines).
 * Symbols follow {@code <op>_<direction>_<dtype>}, e.g. {@code relu_forward_f32}.
 */
public final class Ptx {
    /** The module names, one per .cu file. */
    public static final List<String> MODULES = List.of("elementwise", "reduce", "loss", "pool", "optim", "recurrent",
            "embedding", "batchnorm", "amp");

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*\\(");

    private Ptx() {
    }

    /** The PTX text of module {@code name}. */
    public static String text(String name) {
        String path = "striate/kernels/" + name + ".ptx";
        try (InputStream in = Ptx.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("PTX resource " + path + " is missing from the striate-kernels jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    /** The kernel symbols a PTX text defines, in order. */
    public static List<String> entries(String ptx) {
        Matcher m = ENTRY.matcher(ptx);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** Every kernel symbol, mapped to the module that defines it. */
    public static Map<String, String> symbols() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String module : MODULES) {
            for (String symbol : entries(text(module))) {
                String before = out.putIfAbsent(symbol, module);
                if (before != null) {
                    throw new IllegalStateException("kernel " + symbol + " is defined in both " + before + " and " + module);
                }
            }
        }
        return out;
    }
}
