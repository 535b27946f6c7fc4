package striate.data;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The classes of a tagger: distinct tags sorted by code point, ids 0..size-1 (no padding id: padded targets hold
 * {@link SequenceBatch#IGNORE_INDEX}). For Brown, {@link #brown} takes the base tags ({@link BrownTags}) of all
 * documents: the tag set is part of the task's definition, like the classes of an image data set, so a tag that
 * occurs only in held-out documents still has an id.
 */
public final class TagSet {
    private final List<String> tags;
    private final Map<String, Integer> ids = new HashMap<>();

    private TagSet(List<String> tags) {
        this.tags = List.copyOf(tags);
        for (int i = 0; i < this.tags.size(); i++) {
            ids.put(this.tags.get(i), i);
        }
    }

    /** The distinct tags of {@code tags}, sorted. */
    public static TagSet of(Iterable<String> tags) {
        TreeSet<String> sorted = new TreeSet<>(Vocabulary::byCodePoints);
        tags.forEach(sorted::add);
        if (sorted.isEmpty()) {
            throw new IllegalArgumentException("a tag set needs at least one tag");
        }
        return new TagSet(List.copyOf(sorted));
    }

    /** The base tags of every token of these documents. */
    public static TagSet brown(List<TaggedDocument> documents) {
        TreeSet<String> sorted = new TreeSet<>(Vocabulary::byCodePoints);
        for (TaggedDocument d : documents) {
            for (TaggedSentence s : d.sentences()) {
                for (String t : s.tags()) {
                    sorted.add(BrownTags.base(t));
                }
            }
        }
        return of(sorted);
    }

    public int size() {
        return tags.size();
    }

    /** The id of {@code tag}; a tag outside the set is an error naming it. */
    public int id(String tag) {
        Integer id = ids.get(tag);
        if (id == null) {
            throw new IllegalArgumentException("tag '" + tag + "' is not in the tag set (" + tags.size() + " tags)");
        }
        return id;
    }

    public String tag(int id) {
        if (id < 0 || id >= tags.size()) {
            throw new IndexOutOfBoundsException("tag id " + id + " is outside the tag set's [0, " + tags.size() + ")");
        }
        return tags.get(id);
    }

    public List<String> tags() {
        return tags;
    }
}
