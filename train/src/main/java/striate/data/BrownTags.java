package striate.data;

/**
 * The Brown corpus's tags reduced to their base tag. The corpus marks words in titles ({@code -tl}), headlines
 * ({@code -hl}), cited words ({@code -nc}) and foreign words ({@code fw-} in front) on top of the tag the word
 * would have anyway. The rule: drop a leading {@code fw-}, then cut at the first '-' followed by a letter a..z.
 * Contractions keep their compound tag ({@code it's/pps+bez}) and the negation marker stays (the tag {@code *} of
 * not, {@code md*} of can't): each is one token with one tag. Examples: {@code nn-tl} to {@code nn},
 * {@code fw-in+nn-tl} to {@code in+nn}, {@code ,-hl} to {@code ,}, {@code ---hl} to {@code --} (the dash's tag),
 * {@code --} stays. On the whole corpus this turns 472 tags into 188.
 */
public final class BrownTags {

    private BrownTags() {
    }

    /** The base tag of a raw Brown tag. */
    public static String base(String tag) {
        String t = tag.startsWith("fw-") ? tag.substring(3) : tag;
        for (int k = 0; k + 1 < t.length(); k++) {
            char next = t.charAt(k + 1);
            if (t.charAt(k) == '-' && next >= 'a' && next <= 'z') {
                return t.substring(0, k);
            }
        }
        return t;
    }
}
