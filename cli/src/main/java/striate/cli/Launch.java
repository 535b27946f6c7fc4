package striate.cli;

import java.lang.reflect.InvocationTargetException;

/**
 * The jar's entry point, compiled for Java 8 so that an older java can load it ({@code java -jar striate.jar} with
 * the PATH's java, often 17): on Java 25 or later it runs {@link Main}; on an older one it says in one line which
 * Java it needs and how to run (the other classes are Java 25's, and an old JVM's UnsupportedClassVersionError speaks
 * of class file versions, not of Java's).
 */
public final class Launch {
    /** The Java the rest of the jar is compiled for. */
    static final int JAVA = 25;

    private Launch() {
    }

    public static void main(String[] args) throws Throwable {
        String version = System.getProperty("java.specification.version", "");
        if (feature(version) < JAVA) {
            System.err.println("striate: needs Java " + JAVA + "; this is Java " + version + " ("
                    + System.getProperty("java.home") + "): run bin/striate, which finds Java " + JAVA + ", or start "
                    + "the jar with a Java " + JAVA + " java (README: Quick start)");
            System.exit(1);
        }
        try {
            Class.forName("striate.cli.Main").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** The feature number of a java.specification.version: "1.8" is 8, "17" is 17; 0 when unreadable. */
    static int feature(String version) {
        String major = version.startsWith("1.") ? version.substring(2) : version;
        int dot = major.indexOf('.');
        try {
            return Integer.parseInt(dot < 0 ? major : major.substring(0, dot));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
