package striate.data;

import java.util.ArrayList;
import java.util.List;

/**
 * The sentences of some tagged documents as word ids (from a {@link Vocabulary}) and base-tag ids (from a
 * {@link TagSet}, through {@link BrownTags#base}), in document and sentence order; the original sentences stay
 * reachable for evaluation by word ({@link TaggingAccuracy}).
 */
public final class TaggingDataset implements SequenceDataset {
    private final List<TaggedSentence> sentences = new ArrayList<>();
    private final List<int[]> words = new ArrayList<>();
    private final List<int[]> tags = new ArrayList<>();

    private TaggingDataset() {
    }

    public static TaggingDataset of(List<TaggedDocument> documents, Vocabulary vocabulary, TagSet tagSet) {
        TaggingDataset d = new TaggingDataset();
        for (TaggedDocument doc : documents) {
            for (TaggedSentence s : doc.sentences()) {
                int[] t = new int[s.size()];
                for (int k = 0; k < t.length; k++) {
                    t[k] = tagSet.id(BrownTags.base(s.tags().get(k)));
                }
                d.sentences.add(s);
                d.words.add(vocabulary.ids(s.words()));
                d.tags.add(t);
            }
        }
        return d;
    }

    @Override
    public int size() {
        return sentences.size();
    }

    @Override
    public int[] input(int i) {
        return words.get(i).clone();
    }

    @Override
    public int[] target(int i) {
        return tags.get(i).clone();
    }

    @Override
    public int length(int i) {
        return words.get(i).length;
    }

    /** Sentence {@code i} as read. */
    public TaggedSentence sentence(int i) {
        return sentences.get(i);
    }
}
