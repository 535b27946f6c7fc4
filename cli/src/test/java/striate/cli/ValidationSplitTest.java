package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** --validation's spellings, what each holds out of n images, and the values that leave nothing to train on. */
class ValidationSplitTest {
    @Test
    void aWholeNumberIsACount() {
        ValidationSplit v = ValidationSplit.parse("5000");
        assertEquals(5000, v.of(8000, "d"));
        assertEquals("5000", v.toString());
        assertEquals(0, ValidationSplit.parse("0").of(10, "d"));
    }

    @Test
    void aDecimalOrAPercentageIsAFraction() {
        assertEquals(800, ValidationSplit.parse("0.1").of(8000, "d"));
        assertEquals(800, ValidationSplit.parse("10%").of(8000, "d"));
        assertEquals(6000, ValidationSplit.DEFAULT.of(60000, "d"));
        assertEquals(200, ValidationSplit.parse("2.5e-2").of(8000, "d"));
        assertEquals(ValidationSplit.parse("10%").toString(), ValidationSplit.parse("0.1").toString(), "one spelling");
        assertEquals("0.1", ValidationSplit.parse(" 10% ").toString());
        assertEquals(0, ValidationSplit.parse("0.0").of(50, "d"));
    }

    @Test
    void aFractionRoundsToTheNearestImageAndHoldsOutAtLeastOne() {
        assertEquals(4, ValidationSplit.parse("0.1").of(35, "d"), "3.5 rounds up");
        assertEquals(3, ValidationSplit.parse("0.1").of(34, "d"));
        assertEquals(1, ValidationSplit.parse("1%").of(20, "d"), "0.2 of an image: at least one");
    }

    @Test
    void nothingLeftToTrainOnIsAnError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ValidationSplit.parse("8000").of(8000, "/data/x"));
        assertEquals("--validation 8000 would hold out 8000 of the 8000 training images of /data/x, leaving none to "
                + "train on; hold out fewer", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ValidationSplit.parse("0.99").of(10, "d"), "9.9 -> 10");
        assertEquals(9, ValidationSplit.parse("0.94").of(10, "d"));
    }

    @Test
    void badSpellingsSayWhatIsAccepted() {
        for (String bad : new String[] {"1", "1.0", "100%", "150%", "-0.1", "-5", "ten", "0.1x", "", "NaN"}) {
            if (bad.equals("1")) {
                assertEquals(1, ValidationSplit.parse(bad).of(2, "d"), "1 is a count, not all");
                continue;
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ValidationSplit.parse(bad),
                    bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ValidationSplit.parse("ten")).getMessage()
                .contains("not a count (5000), a fraction (0.1) or a percentage (10%)"));
    }
}
