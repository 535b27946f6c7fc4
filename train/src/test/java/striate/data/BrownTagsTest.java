package striate.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The base-tag rule on each kind of tag the corpus has (the full corpus's counts are in BrownCorpusTest). */
class BrownTagsTest {

    @Test
    void suffixesAreCutAtTheFirstHyphenBeforeALetter() {
        assertEquals("nn", BrownTags.base("nn"));
        assertEquals("nn", BrownTags.base("nn-tl"));
        assertEquals("np", BrownTags.base("np-tl-hl"));
        assertEquals("vbn", BrownTags.base("vbn-hl"));
        assertEquals("jj", BrownTags.base("jj-nc"));
        assertEquals("in+at", BrownTags.base("in+at-t"));
        assertEquals("ppss+ber", BrownTags.base("ppss+ber-n"));
        assertEquals(",", BrownTags.base(",-hl"));
        assertEquals(".", BrownTags.base(".-tl"));
    }

    @Test
    void foreignWordPrefixIsDropped() {
        assertEquals("in", BrownTags.base("fw-in"));
        assertEquals("in+nn", BrownTags.base("fw-in+nn-tl"));
        assertEquals("*", BrownTags.base("fw-*-tl"));
        assertEquals("nn", BrownTags.base("fw-nn"));
    }

    @Test
    void compoundsNegationPossessivesAndDashesAreKept() {
        assertEquals("pps+bez", BrownTags.base("pps+bez"));
        assertEquals("wdt+ber+pp", BrownTags.base("wdt+ber+pp"));
        assertEquals("*", BrownTags.base("*"));
        assertEquals("md*", BrownTags.base("md*"));
        assertEquals("ppss+bez*", BrownTags.base("ppss+bez*"));
        assertEquals("pp$$", BrownTags.base("pp$$"));
        assertEquals("--", BrownTags.base("--"));
        assertEquals("--", BrownTags.base("---hl"));
        assertEquals("``", BrownTags.base("``"));
    }
}
