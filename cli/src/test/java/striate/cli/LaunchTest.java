package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The jar's entry point loads on an older Java and says in one line which Java to use. */
class LaunchTest {
    @Test
    void readsJavasVersionNumbers() {
        assertEquals(8, Launch.feature("1.8"));
        assertEquals(17, Launch.feature("17"));
        assertEquals(25, Launch.feature("25"));
        assertEquals(26, Launch.feature("26.1"));
        assertEquals(0, Launch.feature("unknown"));
    }

    /** Run by Java 17 when this machine has it (Debian's default JDK): one line, exit 1, no stack trace. */
    @Test
    void onJava17ItSaysWhichJavaToUse() throws Exception {
        Path java17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");
        assumeTrue(Files.isExecutable(java17), "no Java 17 at " + java17);
        Path classes = Path.of(Launch.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process p = new ProcessBuilder(java17.toString(), "-cp", classes.toString(), "striate.cli.Launch", "--version")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.startsWith("striate: needs Java 25; this is Java 17 (") && out.strip().lines().count() == 1, out);
    }
}
