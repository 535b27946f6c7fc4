package striate.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How many training images {@code train --validation} holds out: a count (a whole number: {@code 5000}) or a
 * fraction of the training images (a number with a decimal point, {@code 0.1}, or a percentage, {@code 10%}),
 * at least 0 and below all of them. {@link #toString} is the canonical spelling a checkpoint records: the count,
 * or the fraction as a decimal.
 */
record ValidationSplit(int count, double fraction) {
    /** The default: a tenth of the training images. */
    static final ValidationSplit DEFAULT = new ValidationSplit(-1, 0.1);

    /** A count when {@code count} >= 0 (then {@code fraction} is ignored), else {@code fraction} in [0, 1). */
    ValidationSplit {
        if (count < 0 && !(fraction >= 0 && fraction < 1)) {
            throw new IllegalArgumentException("a validation fraction must be in [0, 1), got " + fraction);
        }
    }

    static ValidationSplit parse(String text) {
        String s = text.trim();
        try {
            if (s.endsWith("%")) {
                return fraction(Double.parseDouble(s.substring(0, s.length() - 1)) / 100, text);
            }
            if (s.contains(".") || s.toLowerCase(Locale.ROOT).contains("e")) {
                return fraction(Double.parseDouble(s), text);
            }
            int n = Integer.parseInt(s);
            if (n < 0) {
                throw new IllegalArgumentException("'" + text + "': a count of images must be >= 0");
            }
            return new ValidationSplit(n, 0);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a count (5000), a fraction (0.1) or a "
                    + "percentage (10%)");
        }
    }

    private static ValidationSplit fraction(double f, String text) {
        if (!(f >= 0 && f < 1)) {
            throw new IllegalArgumentException("'" + text + "': a fraction must be at least 0 and below 1 (100%), "
                    + "so that some images are left to train on");
        }
        return new ValidationSplit(-1, f);
    }

    /**
     * Images held out of {@code n} training images: the count, or the fraction of n rounded to the nearest whole
     * image (at least one when the fraction is above 0). Fails when nothing would be left to train on.
     */
    int of(int n, String source) {
        int held = count >= 0 ? count : (int) Math.max(fraction > 0 ? 1 : 0, Math.round(fraction * n));
        if (held >= n) {
            throw new IllegalArgumentException("--validation " + this + " would hold out " + held + " of the " + n
                    + " training images of " + source + ", leaving none to train on; hold out fewer");
        }
        return held;
    }

    @Override
    public String toString() {
        return count >= 0 ? Integer.toString(count) : Double.toString(fraction);
    }

    /** Parses {@code --validation}; a bad value is a usage error naming the accepted spellings. */
    static final class Converter implements ITypeConverter<ValidationSplit> {
        @Override
        public ValidationSplit convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
