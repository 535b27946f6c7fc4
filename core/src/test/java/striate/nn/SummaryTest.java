package striate.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/** Summary: one row per leaf with its output shape and parameter count, totals, and the mode left as found. */
class SummaryTest {
    private static Sequential lenetLike() {
        Rng rng = new Rng(1);
        return new Sequential(
                new Conv2d(1, 6, 5, 1, 2, rng), // 6·1·5·5 + 6 = 156; [n, 6, 28, 28]
                new ReLU(),
                new MaxPool2d(2, 2), // [n, 6, 14, 14]
                new Sequential(
                        new Conv2d(6, 16, 5, 1, 0, rng), // 16·6·5·5 + 16 = 2416; [n, 16, 10, 10]
                        new BatchNorm2d(16)), // 32
                new Flatten(), // [n, 1600]
                new Dropout(0.5, rng),
                new Linear(1600, 10, rng)); // 16010
    }

    /** The row whose first column is {@code name}, split on runs of two or more spaces. */
    private static List<String> row(String table, String name) {
        return table.lines().map(l -> Arrays.asList(l.trim().split("\\s{2,}")))
                .filter(cells -> cells.get(0).equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + name + " in\n" + table));
    }

    @Test
    void listsEveryLeafWithOutputShapeAndParameterCount() {
        Sequential model = lenetLike();
        String table = Summary.of(model, Shape.of(2, 1, 28, 28));
        assertEquals(List.of("0", "Conv2d(1, 6, kernel=5x5, stride=1, padding=2)", "[2, 6, 28, 28]", "156"),
                row(table, "0"));
        assertEquals(List.of("1", "ReLU", "[2, 6, 28, 28]", "0"), row(table, "1"));
        assertEquals(List.of("2", "MaxPool2d(kernel=2, stride=2)", "[2, 6, 14, 14]", "0"), row(table, "2"));
        assertEquals(List.of("3.0", "Conv2d(6, 16, kernel=5x5, stride=1, padding=0)", "[2, 16, 10, 10]", "2,416"),
                row(table, "3.0"));
        assertEquals(List.of("3.1", "BatchNorm2d(16)", "[2, 16, 10, 10]", "32"), row(table, "3.1"));
        assertEquals(List.of("4", "Flatten", "[2, 1600]", "0"), row(table, "4"));
        assertEquals(List.of("5", "Dropout(p=0.5)", "[2, 1600]", "0"), row(table, "5"));
        assertEquals(List.of("6", "Linear(1600, 10)", "[2, 10]", "16,010"), row(table, "6"));
        assertEquals(List.of("input", "[2, 1, 28, 28]"), row(table, "input"));
        long total = 156 + 2416 + 32 + 16010;
        assertEquals(total, model.parameterCount());
        assertTrue(table.contains("Total parameters: 18,614"), table);
        assertFalse(table.contains("\n3  "), "the nested Sequential itself is not a row:\n" + table);
    }

    @Test
    void runsInEvalWithoutAutogradAndRestoresTheMode() {
        Sequential model = lenetLike();
        BatchNorm2d bn = (BatchNorm2d) model.children().get("3").children().get("1");
        Summary.of(model, Shape.of(1, 1, 28, 28));
        assertTrue(model.isTraining() && bn.isTraining(), "training mode restored");
        // evaluation mode: the running statistics were not updated by the zeros pass
        assertEquals(0, Arrays.stream(bn.runningMean().toDoubleArray()).map(Math::abs).sum());
        assertEquals(16, Arrays.stream(bn.runningVar().toDoubleArray()).sum());
        assertTrue(model.parameters().stream().allMatch(p -> p.grad() == null), "no gradients");

        model.eval();
        Summary.of(model, Shape.of(1, 1, 28, 28));
        assertFalse(model.isTraining() || bn.isTraining(), "eval mode kept");
    }

    /** A module with a child and its own forward: Summary cannot see inside it. */
    static final class Block extends Module {
        private final Linear fc = registerModule("fc", new Linear(3, 2, new Rng(2)));

        @Override
        public Tensor forward(Tensor x) {
            return fc.forward(x).relu();
        }
    }

    @Test
    void aNonSequentialModuleIsOneRow() {
        String table = Summary.of(new Sequential(new Flatten(), new Block()), Shape.of(4, 3, 1));
        assertEquals(List.of("1", "Block", "[4, 2]", "8"), row(table, "1")); // 3·2 + 2
        String anonymous = Summary.of(new Module() {
            @Override
            public Tensor forward(Tensor x) {
                return x;
            }
        }, Shape.of(2));
        assertEquals("(model)", row(anonymous, "(model)").get(0));
        assertTrue(row(anonymous, "(model)").get(1).startsWith("striate.nn.SummaryTest$"), anonymous);
        assertTrue(table.contains("Total parameters: 8"), table);
    }
}
