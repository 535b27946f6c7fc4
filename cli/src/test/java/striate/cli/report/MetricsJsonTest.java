package striate.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings object every report's metrics.json holds: strings, sorted by name, quoted and escaped. */
class MetricsJsonTest {
    @Test
    void settingsAreAJsonObjectSortedByName() {
        assertEquals("{\"--epochs\": \"3\", \"--model\": \"cgan\", \"--out\": \"a\\\"b\"}",
                MetricsJson.settings(Map.of("--out", "a\"b", "--model", "cgan", "--epochs", "3")));
        assertEquals("{}", MetricsJson.settings(Map.of()));
    }
}
