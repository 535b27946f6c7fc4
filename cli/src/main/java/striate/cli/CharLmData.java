package striate.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import striate.data.BrownCorpus;
import striate.data.CharVocabulary;
import striate.data.DataFileException;
import striate.data.DocumentSplit;
import striate.data.TaggedDocument;

/**
 * What the character language model's commands read from a Brown corpus folder: the document split
 * ({@link DocumentSplit}, the tagger's: all 500 texts, or with {@code limitDocs} > 0 only the first that many in name
 * order, split by the same rule), the raw text of the training documents (tags removed, {@link TaggedDocument#text})
 * and the character vocabulary built on all of it, so a run limited to the first characters of the text has the same
 * ids as a full one.
 */
record CharLmData(Path folder, DocumentSplit split, String trainText, CharVocabulary chars) {

    /** Reads {@code folder}, splits its first {@code limitDocs} texts (0: all) and builds the training vocabulary. */
    static CharLmData read(Path folder, int limitDocs) throws DataFileException {
        DocumentSplit split = split(BrownCorpus.read(folder), limitDocs);
        String text = TaggedDocument.text(split.train());
        return new CharLmData(folder, split, text, CharVocabulary.build(text));
    }

    /** The split of the corpus's first {@code limitDocs} texts (0: all), as the tagger's --limit-docs cuts them. */
    static DocumentSplit split(BrownCorpus corpus, int limitDocs) {
        List<TaggedDocument> documents = corpus.documents();
        if (limitDocs > 0 && limitDocs < documents.size()) {
            if (limitDocs < TaggerData.MIN_DOCS) {
                throw new IllegalArgumentException("--limit-docs " + limitDocs + " leaves no validation document (the "
                        + "split holds out the 1st and 6th text of each category); give at least " + TaggerData.MIN_DOCS);
            }
            documents = documents.subList(0, limitDocs);
        }
        return DocumentSplit.of(documents);
    }

    /** The ids of the training text, or of its first {@code limit} characters when 0 < limit < its length. */
    int[] trainIds(int limit) {
        int length = trainText.codePointCount(0, trainText.length());
        String text = limit > 0 && limit < length ? trainText.substring(0, trainText.offsetByCodePoints(0, limit))
                : trainText;
        return chars.encode(text);
    }

    /** Each document's text as ids of {@code vocabulary}, in the order given. */
    static List<int[]> ids(List<TaggedDocument> documents, CharVocabulary vocabulary) {
        return documents.stream().map(d -> vocabulary.encode(d.text())).toList();
    }

    /** The documents' texts joined in order, as ids of {@code vocabulary} (the PyTorch peer's test stream). */
    static int[] stream(List<TaggedDocument> documents, CharVocabulary vocabulary) {
        return vocabulary.encode(TaggedDocument.text(documents));
    }

    /** The vocabulary as a checkpoint records it: each id's character as a string. */
    static List<String> strings(CharVocabulary vocabulary) {
        return Arrays.stream(vocabulary.chars()).mapToObj(Character::toString).toList();
    }
}
