package striate.cli;

import java.nio.file.Path;
import java.util.List;
import striate.data.BrownCorpus;
import striate.data.DataFileException;
import striate.data.DocumentSplit;
import striate.data.TagSet;
import striate.data.TaggedDocument;
import striate.data.TaggingDataset;
import striate.data.Vocabulary;

/**
 * What the tagger commands read from a Brown corpus folder: the document split (all 500 texts, or with
 * {@code limitDocs} > 0 only the first that many in name order, split by the same rule), the words' vocabulary
 * (built on the training documents, case kept, words seen at least twice: the PyTorch peer's rule) and the tag set
 * (the base tags of every document read, so 188 on Brown whatever the limit), and the three parts as datasets.
 */
record TaggerData(Path folder, DocumentSplit split, Vocabulary words, TagSet tags, TaggingDataset train,
                  TaggingDataset validation, TaggingDataset test) {
    /** The vocabulary rule: words seen at least this often in the training documents. */
    static final int MIN_COUNT = 2;
    /** The vocabulary rule: words as written. */
    static final boolean LOWERCASE = false;
    /** Fewer documents than this leave the split without a validation document (the 6th of a category). */
    static final int MIN_DOCS = 6;

    /** Reads {@code folder} and builds the vocabulary and tag set from it. */
    static TaggerData read(Path folder, int limitDocs) throws DataFileException {
        BrownCorpus corpus = BrownCorpus.read(folder);
        DocumentSplit split = split(corpus, limitDocs);
        Vocabulary words = Vocabulary.build(Vocabulary.words(split.train()), MIN_COUNT, LOWERCASE);
        return of(folder, split, words, TagSet.brown(corpus.documents()));
    }

    /**
     * Reads {@code folder} for a trained tagger whose vocabulary and tag set are {@code words} and {@code tags}
     * (from its checkpoint); the folder's tag set must be the same.
     */
    static TaggerData read(Path folder, int limitDocs, Vocabulary words, TagSet tags) throws DataFileException {
        BrownCorpus corpus = BrownCorpus.read(folder);
        TagSet found = TagSet.brown(corpus.documents());
        if (!found.tags().equals(tags.tags())) {
            throw new IllegalArgumentException(folder + " has " + found.size() + " base tags but the tagger was trained"
                    + " with " + tags.size() + (found.size() == tags.size() ? ", other ones" : "") + "; give the "
                    + "corpus it was trained on with --data");
        }
        return of(folder, split(corpus, limitDocs), words, tags);
    }

    private static TaggerData of(Path folder, DocumentSplit split, Vocabulary words, TagSet tags) {
        return new TaggerData(folder, split, words, tags, TaggingDataset.of(split.train(), words, tags),
                TaggingDataset.of(split.validation(), words, tags), TaggingDataset.of(split.test(), words, tags));
    }

    private static DocumentSplit split(BrownCorpus corpus, int limitDocs) {
        List<TaggedDocument> documents = corpus.documents();
        if (limitDocs > 0 && limitDocs < documents.size()) {
            if (limitDocs < MIN_DOCS) {
                throw new IllegalArgumentException("--limit-docs " + limitDocs + " leaves no validation document (the "
                        + "split holds out the 1st and 6th text of each category); give at least " + MIN_DOCS);
            }
            documents = documents.subList(0, limitDocs);
        }
        return DocumentSplit.of(documents);
    }
}
