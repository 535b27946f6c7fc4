package striate.amp;

import java.util.Arrays;
import java.util.Locale;
import striate.autograd.Autocast;
import striate.tensor.DType;

/**
 * How a training run computes: fp32 throughout, or mixed precision with bf16 or fp16 {@link Autocast} around the
 * forward pass and the loss (float32 master weights in both); fp16 also scales the loss ({@link GradScaler}), as
 * float16's range needs, bf16 has float32's range and does not. The command line's {@code --precision}.
 */
public enum Precision {
    FP32("fp32", null),
    BF16("bf16", DType.BF16),
    FP16("fp16", DType.F16);

    private final String label;
    private final DType low;

    Precision(String label, DType low) {
        this.label = label;
        this.low = low;
    }

    /** The precision named {@code name} (fp32, bf16 or fp16, any case), or an error listing them. */
    public static Precision parse(String name) {
        for (Precision p : values()) {
            if (p.label.equals(name.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("precision must be one of " + Arrays.stream(values()).map(p -> p.label)
                .toList() + ", got '" + name + "'");
    }

    /** The scope the forward pass and loss run in: autocast to bf16 or fp16, or autocast off for fp32. */
    public Autocast.Scope autocast() {
        return low == null ? Autocast.disable() : Autocast.enable(low);
    }

    /** A fresh loss scaler for this precision: PyTorch's defaults for fp16, a disabled one otherwise. */
    public GradScaler scaler() {
        return this == FP16 ? new GradScaler() : GradScaler.disabled();
    }

    @Override
    public String toString() {
        return label;
    }
}
