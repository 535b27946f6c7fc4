package striate.tensor;

/** An operation was given tensors that live on different devices. */
public class DeviceMismatchException extends IllegalArgumentException {
    public DeviceMismatchException(String op, Device a, Device b) {
        super(op + ": inputs are on two devices (" + a + " and " + b + "); move one with tensor.to(device) (a "
                + "layer's weights move with model.to(device), which a model needs before its first forward pass)");
    }
}
