package striate.tensor;

/**
 * Where a tensor lives and which backend computes on it. Always chosen explicitly:
 * {@code Device.reference()} (the scalar oracle), {@code Device.cpu()}, {@code Device.cuda(i)}.
 * Parses the command line's spelling ({@code cpu}, {@code cuda:1}, {@code reference}).
 */
public record Device(Kind kind, int index) {

    /** The families of devices; each is served by one backend module. */
    public enum Kind {
        REFERENCE("reference"),
        CPU("cpu"),
        CUDA("cuda");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public Device {
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index);
        }
    }

    public static Device reference() {
        return new Device(Kind.REFERENCE, 0);
    }

    public static Device cpu() {
        return new Device(Kind.CPU, 0);
    }

    public static Device cuda(int index) {
        return new Device(Kind.CUDA, index);
    }

    /** Parses {@code reference}, {@code cpu}, {@code cpu:2}, {@code cuda}, {@code cuda:1}. */
    public static Device parse(String text) {
        String s = text.trim().toLowerCase(java.util.Locale.ROOT);
        int colon = s.indexOf(':');
        String name = colon < 0 ? s : s.substring(0, colon);
        int index = 0;
        if (colon >= 0) {
            try {
                index = Integer.parseInt(s.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad device '" + text + "': the index after ':' must be a number");
            }
        }
        for (Kind k : Kind.values()) {
            if (k.label.equals(name)) {
                return new Device(k, index);
            }
        }
        throw new IllegalArgumentException("unknown device '" + text + "': use reference, cpu or cuda:<index>");
    }

    /** True for devices whose memory is ordinary host memory. */
    public boolean isHost() {
        return kind != Kind.CUDA;
    }

    @Override
    public String toString() {
        return index == 0 && kind != Kind.CUDA ? kind.label : kind.label + ":" + index;
    }
}
