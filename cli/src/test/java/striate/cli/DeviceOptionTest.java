package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** --device of the commands that mix {@link DeviceOption} in: a bad spelling is one usage line naming the good ones. */
class DeviceOptionTest {
    @ParameterizedTest
    @ValueSource(strings = {"train", "evaluate", "adding", "gan", "tagger evaluate", "textcnn train"})
    void aBadDeviceIsAUsageErrorNamingTheAcceptedOnes(String command) {
        String[] words = command.split(" ");
        String[] args = new String[words.length + 2];
        System.arraycopy(words, 0, args, 0, words.length);
        args[words.length] = "--device";
        args[words.length + 1] = "gpu0";
        TrainCommandTest.Result r = TrainCommandTest.cli(args);
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("striate: Invalid value for option '--device': unknown device 'gpu0': use "
                + "reference, cpu or cuda:<index>."), r.err());
    }
}
