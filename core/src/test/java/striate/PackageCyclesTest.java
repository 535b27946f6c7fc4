package striate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package graph of core's main code, read from its sources (imports and qualified names). Tensor is both the
 * value kernels take and the API that dispatches ops and records them for autograd, so striate.tensor, .op,
 * .backend and .autograd depend on each other; everything else stands on them without a cycle, and nothing in the
 * engine depends on the reference backend, which is found at run time like any other.
 */
class PackageCyclesTest {
    private static final Pattern USE = Pattern.compile("\\bstriate\\.(\\w+)\\.[A-Z]");

    /** Package → the core packages its main sources name. */
    private static Map<String, Set<String>> graph() {
        Map<String, Set<String>> g = new TreeMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/striate"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String pkg = f.getParent().getFileName().toString();
                Set<String> uses = g.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = USE.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        uses.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return g;
    }

    private static Set<String> reachable(Map<String, Set<String>> g, String from) {
        Set<String> seen = new TreeSet<>();
        List<String> todo = new java.util.ArrayList<>(List.of(from));
        while (!todo.isEmpty()) {
            for (String next : g.getOrDefault(todo.removeLast(), Set.of())) {
                if (seen.add(next)) {
                    todo.add(next);
                }
            }
        }
        return seen;
    }

    @Test
    void theOnlyCycleIsTheTensorOpBackendAutogradCore() {
        Map<String, Set<String>> g = graph();
        assertTrue(g.keySet().containsAll(Set.of("tensor", "op", "backend", "reference", "autograd", "nn", "optim")),
                g.keySet().toString());
        Set<Set<String>> cycles = new java.util.HashSet<>();
        for (String p : g.keySet()) {
            Set<String> cycle = new TreeSet<>();
            for (String q : reachable(g, p)) {
                if (reachable(g, q).contains(p)) {
                    cycle.add(q);
                }
            }
            if (!cycle.isEmpty()) {
                cycles.add(cycle);
            }
        }
        assertEquals(Set.of(Set.of("autograd", "backend", "op", "tensor")), cycles, "package cycles in core: " + g);
    }

    @Test
    void nothingInTheEngineDependsOnTheReferenceOrOnTheLayersAboveIt() {
        Map<String, Set<String>> g = graph();
        g.forEach((pkg, uses) -> assertTrue(!uses.contains("reference") || pkg.equals("reference"),
                pkg + " uses striate.reference"));
        for (String engine : List.of("tensor", "op", "backend", "autograd", "reference")) {
            assertTrue(!g.get(engine).contains("nn") && !g.get(engine).contains("optim"), engine + ": " + g.get(engine));
        }
    }
}
