package striate.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import striate.data.DataFileException;

/**
 * WordNet's synsets as sets of lemmas, read from its database files data.noun, data.verb, data.adj and data.adv
 * (the wndb(5WN) format that Debian's wordnet-base installs in {@link #defaultFolder()}). A synset line reads
 * {@code offset lex_filenum ss_type w_cnt word lex_id [word lex_id ...] p_cnt ...}, w_cnt two hexadecimal digits;
 * lines starting with spaces are the license header. Lemmas are lowercased (Locale.ROOT), keep '_' where the lemma
 * has several words ({@code motor_vehicle}), and lose an adjective's syntactic marker ({@code outback(a)} →
 * {@code outback}). The installed WordNet 3.0 has 117,659 synsets.
 */
public final class WordNet {
    private static final String DEFAULT_FOLDER = "/usr/share/wordnet";
    private static final List<String> FILES = List.of("data.noun", "data.verb", "data.adj", "data.adv");
    private static final Pattern MARKER = Pattern.compile("\\((a|p|ip)\\)$");
    private static final String TYPES = "nvasr";

    private final List<List<String>> synsets;
    private final Map<String, Set<String>> synonyms;

    private WordNet(List<List<String>> synsets) {
        this.synsets = List.copyOf(synsets);
        Map<String, Set<String>> map = new HashMap<>();
        for (List<String> lemmas : this.synsets) {
            for (String a : lemmas) {
                Set<String> s = map.computeIfAbsent(a, k -> new TreeSet<>());
                for (String b : lemmas) {
                    if (!b.equals(a)) {
                        s.add(b);
                    }
                }
            }
        }
        map.replaceAll((k, v) -> Collections.unmodifiableSet(v));
        this.synonyms = map;
    }

    /** Where Debian's wordnet-base installs the database files. */
    public static Path defaultFolder() {
        return Path.of(DEFAULT_FOLDER);
    }

    /** True if {@code folder} holds the four data files. */
    public static boolean isInstalled(Path folder) {
        return FILES.stream().allMatch(f -> Files.isRegularFile(folder.resolve(f)));
    }

    /** The synsets of data.noun, data.verb, data.adj and data.adv in {@code folder}, in that order. */
    public static WordNet read(Path folder) throws DataFileException {
        List<List<String>> synsets = new ArrayList<>();
        for (String name : FILES) {
            Path file = folder.resolve(name);
            if (!Files.isRegularFile(file)) {
                throw new DataFileException(file, "WordNet data file does not exist; Debian's wordnet-base installs "
                        + "it in " + DEFAULT_FOLDER + " (bin/setup does), or pass --wordnet with the folder of "
                        + String.join(", ", FILES));
            }
            synsets.addAll(readFile(file));
        }
        return new WordNet(synsets);
    }

    /** The synsets of one data file; a line that is not a synset line is an error naming the file and line. */
    private static List<List<String>> readFile(Path file) throws DataFileException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new DataFileException(file, "cannot be read as a WordNet data file: " + e, e);
        }
        List<List<String>> synsets = new ArrayList<>();
        for (int k = 0; k < lines.size(); k++) {
            String line = lines.get(k);
            if (line.isEmpty() || line.startsWith(" ")) {
                continue;
            }
            synsets.add(synset(file, k + 1, line));
        }
        if (synsets.isEmpty()) {
            throw new DataFileException(file, "holds no synset lines; not a WordNet data file (data.noun ...)");
        }
        return synsets;
    }

    /** Every synset's lemmas, in file order (noun, verb, adjective, adverb). */
    public List<List<String>> synsets() {
        return synsets;
    }

    /** The lemmas sharing a synset with {@code lemma}, itself excluded, in code-point order; empty if none. */
    public Set<String> synonyms(String lemma) {
        return synonyms.getOrDefault(lemma, Set.of());
    }

    /** True if {@code lemma} is in some synset. */
    public boolean contains(String lemma) {
        return synonyms.containsKey(lemma);
    }

    private static List<String> synset(Path file, int line, String text) throws DataFileException {
        String[] f = text.split(" ");
        if (f.length < 6 || f[2].length() != 1 || TYPES.indexOf(f[2].charAt(0)) < 0
                || !f[3].matches("[0-9a-fA-F]{2}")) {
            throw new DataFileException(file, "line " + line + ": not a WordNet synset line (offset lex_filenum "
                    + "ss_type w_cnt word lex_id ...): '" + abbreviate(text) + "'");
        }
        int count = Integer.parseInt(f[3], 16);
        if (count == 0 || f.length < 4 + 2 * count) {
            throw new DataFileException(file, "line " + line + ": the synset says " + count + " words but the line"
                    + " ends before them: '" + abbreviate(text) + "'");
        }
        Set<String> lemmas = new LinkedHashSet<>();
        for (int i = 0; i < count; i++) {
            String word = MARKER.matcher(f[4 + 2 * i]).replaceFirst("").toLowerCase(Locale.ROOT);
            if (word.isEmpty()) {
                throw new DataFileException(file, "line " + line + ": word " + (i + 1) + " is empty");
            }
            lemmas.add(word);
        }
        return List.copyOf(lemmas);
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 60) + "...";
    }
}
