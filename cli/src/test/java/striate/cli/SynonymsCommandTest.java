package striate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import striate.text.SynonymTest;
import striate.text.WordNet;

/**
 * {@code striate synonyms} on a small WordNet, corpus and vector file written here in the word2vec text format:
 * vectors where synonyms coincide answer every question, a word missing from the file makes its questions
 * unanswerable and wrong; missing WordNet files, a corpus without questions and a bad --min-count are one line each,
 * and the command writes nothing.
 */
class SynonymsCommandTest {
    @TempDir
    Path tmp;

    /** WordNet with the synsets {car, auto} and {big, large}; fillers have none. */
    Path wordnet() throws IOException {
        Path folder = Files.createDirectories(tmp.resolve("wordnet"));
        Files.writeString(folder.resolve("data.noun"), "  1 license header  \n"
                + "02958343 06 n 02 car 0 auto 0 000 | a motor vehicle  \n");
        Files.writeString(folder.resolve("data.adj"), "01382086 00 a 02 big 0 large 0 000 | above average in size  \n");
        Files.writeString(folder.resolve("data.verb"), "01930756 38 v 01 drive 0 000 | travel in a vehicle  \n");
        Files.writeString(folder.resolve("data.adv"), "00001740 02 r 01 quickly 0 000 | with speed  \n");
        return folder;
    }

    /** Each of car, auto, big, large and f0..f9 six times. */
    Path corpus() throws IOException {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < 6; k++) {
            s.append("car auto big large");
            for (int i = 0; i < 10; i++) {
                s.append(" f").append(i);
            }
            s.append('\n');
        }
        return Files.writeString(tmp.resolve("corpus.txt"), s);
    }

    /** The text format: "V dim", then a word and its values per line; car/auto and big/large share a vector. */
    Path vectors(List<String> words) throws IOException {
        StringBuilder s = new StringBuilder(words.size() + " 3\n");
        for (String w : words) {
            String v = switch (w) {
                case "car", "auto" -> "1 0 0";
                case "big", "large" -> "0 1 0";
                default -> "0 0." + (1 + w.charAt(1) - '0') + " 1";
            };
            s.append(w).append(' ').append(v).append('\n');
        }
        return Files.writeString(tmp.resolve("vectors.txt"), s);
    }

    static final List<String> ALL = List.of("car", "auto", "big", "large", "f0", "f1", "f2", "f3", "f4", "f5", "f6",
            "f7", "f8", "f9");

    @Test
    void synonymsThatShareAVectorAnswerEveryQuestion() throws IOException {
        TrainCommandTest.Result r = TrainCommandTest.cli("synonyms", "--vectors", vectors(ALL).toString(), "--corpus",
                corpus().toString(), "--wordnet", wordnet().toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\nquestions: 4\n"), r.out());
        assertTrue(r.out().contains("\nanswerable: 4 "), r.out());
        assertTrue(r.out().contains("\naccuracy: 1.0000 (4 right"), r.out());
    }

    @Test
    void aWordMissingFromTheVectorsMakesItsQuestionsWrong() throws IOException {
        List<String> withoutAuto = ALL.stream().filter(w -> !w.equals("auto")).toList();
        TrainCommandTest.Result r = TrainCommandTest.cli("synonyms", "--vectors", vectors(withoutAuto).toString(),
                "--corpus", corpus().toString(), "--wordnet", wordnet().toString());
        assertEquals(0, r.code(), r.err());
        // questions naming auto, as word, synonym or distractor, cannot be answered; the others are right
        long answerable = SynonymTest.build(WordNet.read(tmp.resolve("wordnet")),
                SynonymTest.countWords(tmp.resolve("corpus.txt")), 5, SynonymTest.DISTRACTORS, 1).questions().stream()
                .filter(q -> !q.word().equals("auto") && !q.synonym().equals("auto")
                        && !q.distractors().contains("auto")).count();
        assertTrue(answerable <= 2, "auto is in its own question and in car's");
        assertTrue(r.out().contains("\nquestions: 4\n"), r.out());
        assertTrue(r.out().contains("\nanswerable: " + answerable + " "), r.out());
        assertTrue(r.out().contains(String.format("%naccuracy: %.4f (%d right", answerable / 4.0, answerable)),
                r.out());
    }

    @Test
    void badInputIsOneLineAndNothingIsWritten() throws IOException {
        Path vectors = vectors(ALL);
        Path corpus = corpus();
        Path wordnet = wordnet();
        Files.delete(wordnet.resolve("data.verb"));
        List<Path> before = files();
        TrainCommandTest.Result r = TrainCommandTest.cli("synonyms", "--vectors", vectors.toString(), "--corpus",
                corpus.toString(), "--wordnet", wordnet.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("striate: error: " + wordnet.resolve("data.verb") + ": WordNet data file does "
                + "not exist"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());

        Path other = wordnet();
        r = TrainCommandTest.cli("synonyms", "--vectors", vectors.toString(), "--corpus", corpus.toString(),
                "--wordnet", other.toString(), "--min-count", "7");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("striate: error: " + corpus + ": gives no synonym questions: none of its 0 "
                + "words seen at least 7 times"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());

        r = TrainCommandTest.cli("synonyms", "--vectors", vectors.toString(), "--corpus", corpus.toString(),
                "--min-count", "0");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("striate: --min-count must be at least 1, got 0"), r.err());
        assertEquals(before, files(), "nothing written");
    }

    List<Path> files() throws IOException {
        try (Stream<Path> s = Files.walk(tmp)) {
            return s.filter(p -> !p.getFileName().toString().equals("data.verb")).sorted().toList();
        }
    }
}
