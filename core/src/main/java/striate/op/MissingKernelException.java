package striate.op;

/** A backend has no kernel for an op. There is no silent fallback to another backend. */
public class MissingKernelException extends UnsupportedOperationException {
    public MissingKernelException(String op, String backend) {
        super("backend '" + backend + "' has no kernel for " + op
                + "; run on a backend that has one (for example Device.reference())");
    }
}
