package striate.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.train.EpochStats;
import striate.train.History;
import striate.train.Metric;

/**
 * The adding problem's report from synthetic curves, evaluated every 100 steps: an RNN flat at 0.17, an LSTM that
 * goes under 0.01 at step 300 and ends at 0.002, a GRU that dips under 0.01 at step 200 and ends above it.
 */
class AddingReportTest {
    @TempDir
    Path dir;

    private static AddingReport.Cell cell(String name, double... mse) {
        List<EpochStats> epochs = new ArrayList<>();
        for (int i = 0; i < mse.length; i++) {
            epochs.add(new EpochStats(i + 1, mse[i] * 1.1, mse[i] * 1.1, mse[i], mse[i], 1e-3, 2, 2500));
        }
        return new AddingReport.Cell(name, new History(Metric.MSE, epochs));
    }

    @Test
    @SuppressWarnings("unchecked")
    void metricsJsonSaysPerCellWhetherAndWhenItWasSolved() throws IOException {
        AddingReport.Cell rnn = cell("rnn", 0.17, 0.168, 0.169, 0.17);
        AddingReport.Cell lstm = cell("lstm", 0.16, 0.05, 0.009, 0.002);
        AddingReport.Cell gru = cell("gru", 0.1, 0.008, 0.02, 0.015);
        assertEquals(-1, rnn.firstSolvedStep(100));
        assertEquals(300, lstm.firstSolvedStep(100));
        assertEquals(200, gru.firstSolvedStep(100));
        assertEquals(0.008, gru.bestMse());
        assertEquals(8.0, lstm.seconds());

        StringWriter warnings = new StringWriter();
        List<Path> files = new AddingReport(100, "cpu", Map.of("--length", "100"), 100, List.of(rnn, lstm, gru))
                .write(dir, new PrintWriter(warnings));
        assertEquals(List.of("metrics.json", "mse.png"), files.stream().map(p -> p.getFileName().toString()).toList());
        assertEquals("", warnings.toString());
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(dir.resolve("metrics.json")));
        assertEquals(100.0, json.get("length"));
        assertEquals(1.0 / 6, json.get("trivial_mse"));
        List<Map<String, Object>> cells = (List<Map<String, Object>>) json.get("cells");
        assertEquals(List.of("rnn", "lstm", "gru"), cells.stream().map(c -> c.get("cell")).toList());
        assertEquals(List.of(false, true, false), cells.stream().map(c -> c.get("solved")).toList(),
                "solved means the final MSE is under 0.01");
        assertNull(cells.get(0).get("first_step_below_0_01"));
        assertEquals(300.0, cells.get(1).get("first_step_below_0_01"));
        assertEquals(400.0, cells.get(1).get("steps"));
        assertEquals(List.of(300.0, 0.009, 0.009 * 1.1), ((List<Object>) cells.get(1).get("curve_step_heldout_train"))
                .get(2));
        assertNotNull(ImageIO.read(dir.resolve("mse.png").toFile()));
    }
}
