package striate.tensor;

/** A shape error that names the operation, what it got and what it expects. */
public class ShapeMismatchException extends IllegalArgumentException {
    public ShapeMismatchException(String op, String got, String expected) {
        super(op + ": got " + got + ", expected " + expected);
    }
}
