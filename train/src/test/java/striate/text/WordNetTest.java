package striate.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.data.DataFileException;

/**
 * WordNet's data files: lines in the real wndb format written here (license header, hexadecimal word counts,
 * multi-word lemmas, capitals, adjective markers), the errors for a missing file and a damaged line, and the
 * installed WordNet 3.0 (skipped, with the reason, when Debian's wordnet-base is absent).
 */
class WordNetTest {
    @TempDir
    Path tmp;

    static final String HEADER = "  1 This software and database is being provided to you, the LICENSEE, by  \n"
            + "  2 Princeton University under the following license.  By obtaining, using  \n";

    /** Four data files: nouns with an 11-word synset (w_cnt 0b), one verb, adjectives with markers, one adverb. */
    Path folder() throws IOException {
        Files.writeString(tmp.resolve("data.noun"), HEADER
                + "02958343 06 n 05 car 0 auto 0 automobile 0 machine 1 motorcar 0 002 @ 03791235 n 0000 + 01930756"
                + " v 0301 | a motor vehicle with four wheels; \"he needs a car to get to work\"  \n"
                + "02959942 06 n 02 car 0 railcar 0 001 @ 04576211 n 0000 | a wheeled vehicle adapted to the rails  \n"
                + "03791235 06 n 01 motor_vehicle 0 000 | a self-propelled wheeled vehicle  \n"
                + "09044862 15 n 0b United_States 0 United_States_of_America 0 America 0 the_States 0 US 0 U.S. 0 USA 0"
                + " U.S.A. 0 US_of_A 0 Columbia 1 Land_of_the_Free 0 000 | North American republic  \n");
        Files.writeString(tmp.resolve("data.verb"), HEADER
                + "01930756 38 v 02 drive 0 motor 0 000 01 + 01 00 | travel or be transported in a vehicle  \n");
        Files.writeString(tmp.resolve("data.adj"), HEADER
                + "00020103 00 s 02 outback(a) 0 remote 0 000 | inaccessible and sparsely populated  \n"
                + "00001740 00 a 01 able 0 000 | having the necessary means  \n");
        Files.writeString(tmp.resolve("data.adv"), HEADER
                + "00001740 02 r 02 quickly 0 rapidly 0 000 | with rapid movements  \n");
        return tmp;
    }

    @Test
    void readsSynsetsWithTheirLemmas() throws IOException {
        WordNet w = WordNet.read(folder());
        assertEquals(8, w.synsets().size());
        assertEquals(List.of("car", "auto", "automobile", "machine", "motorcar"), w.synsets().getFirst());
        assertEquals(11, w.synsets().get(3).size(), "w_cnt is hexadecimal: 0b words");
        assertEquals(List.of("united_states", "united_states_of_america", "america", "the_states", "us", "u.s.",
                "usa", "u.s.a.", "us_of_a", "columbia", "land_of_the_free"), w.synsets().get(3));
        assertEquals(List.of("outback", "remote"), w.synsets().get(5), "the adjective marker (a) is stripped");
        assertEquals(Set.of("auto", "automobile", "machine", "motorcar", "railcar"), w.synonyms("car"));
        assertEquals(Set.of("car"), w.synonyms("railcar"));
        assertEquals(Set.of(), w.synonyms("able"), "a synset of one lemma gives no synonym");
        assertTrue(w.contains("able"));
        assertEquals(Set.of(), w.synonyms("bicycle"));
        assertFalse(w.contains("bicycle"));
        assertEquals(Set.of("outback"), w.synonyms("remote"));
    }

    @Test
    void aMissingFileIsNamedWithWhereToGetIt() throws IOException {
        Path folder = folder();
        Files.delete(folder.resolve("data.adv"));
        DataFileException e = assertThrows(DataFileException.class, () -> WordNet.read(folder));
        assertEquals(folder.resolve("data.adv"), e.file());
        assertTrue(e.getMessage().contains("WordNet data file does not exist; Debian's wordnet-base installs it"),
                e.getMessage());
        assertFalse(WordNet.isInstalled(folder));
    }

    @Test
    void aDamagedLineIsNamedByFileAndLine() throws IOException {
        Path folder = folder();
        Path verb = folder.resolve("data.verb");
        Files.writeString(verb, HEADER + "01930756 38 v 03 drive 0 motor 0\n");
        DataFileException e = assertThrows(DataFileException.class, () -> WordNet.read(folder));
        assertTrue(e.getMessage().startsWith(verb + ": line 3: the synset says 3 words but the line ends before"),
                e.getMessage());
        Files.writeString(verb, HEADER + "drive motor\n");
        e = assertThrows(DataFileException.class, () -> WordNet.read(folder));
        assertTrue(e.getMessage().startsWith(verb + ": line 3: not a WordNet synset line"), e.getMessage());
        Files.writeString(verb, HEADER);
        e = assertThrows(DataFileException.class, () -> WordNet.read(folder));
        assertTrue(e.getMessage().startsWith(verb + ": holds no synset lines"), e.getMessage());
    }

    @Test
    void theInstalledWordNet() throws IOException {
        Path dir = WordNet.defaultFolder();
        assumeTrue(WordNet.isInstalled(dir), "WordNet's data files are not in " + dir + ": run bin/setup, which "
                + "installs Debian's wordnet-base");
        WordNet w = WordNet.read(dir);
        assertEquals(82115 + 13767 + 18156 + 3621, w.synsets().size(), "WordNet 3.0's synsets");
        assertTrue(w.synsets().contains(List.of("car", "auto", "automobile", "machine", "motorcar")));
        assertTrue(w.synonyms("car").containsAll(Set.of("auto", "automobile", "machine", "motorcar", "railcar")));
        assertTrue(w.synonyms("big").contains("large"));
        assertTrue(w.synonyms("quickly").contains("rapidly"));
        assertTrue(w.synonyms("buy").contains("purchase"));
        assertTrue(w.synsets().stream().flatMap(List::stream)
                .noneMatch(l -> l.endsWith(")") || !l.equals(l.toLowerCase(java.util.Locale.ROOT))),
                "no marker or capital left");
    }
}
