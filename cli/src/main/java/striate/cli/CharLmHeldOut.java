package striate.cli;

import java.util.List;
import striate.data.CharVocabulary;
import striate.data.DocumentWindows;
import striate.data.StreamBatches;
import striate.data.TaggedDocument;
import striate.models.CharLstm;
import striate.tensor.Device;
import striate.train.LanguageModelEvaluation;
import striate.train.LanguageModeling;

/**
 * A character language model's held-out bits per character, measured two ways on the same documents.
 * {@code documents}: each document whole, from a zero state, its characters read in windows of {@code bptt} with the
 * state carried, every character after its first predicted ({@link DocumentWindows}); the headline number.
 * {@code stream}: the PyTorch peer's measure (benchmarks/pytorch/char_lm_brown.py), the documents' texts joined and
 * cut into {@code rows} contiguous rows read in windows of {@code bptt} with the state carried ({@link StreamBatches}),
 * so each row starts cold in the middle of a document and runs across document boundaries.
 */
record CharLmHeldOut(int documentCount, LanguageModelEvaluation documents, LanguageModelEvaluation stream, int rows) {

    static CharLmHeldOut of(CharLstm model, CharVocabulary chars, List<TaggedDocument> documents, int rows, int bptt,
                         Device device) {
        LanguageModeling task = new LanguageModeling(model);
        DocumentWindows whole = new DocumentWindows(CharLmData.ids(documents, chars), bptt, device);
        LanguageModelEvaluation perDocument = LanguageModelEvaluation.of(model, task, whole);
        int[] joined = CharLmData.stream(documents, chars);
        int streamRows = Math.max(1, Math.min(rows, joined.length / 2)); // each row needs an input and a target
        LanguageModelEvaluation stream = LanguageModelEvaluation.of(model, task,
                new StreamBatches(joined, streamRows, bptt, device));
        return new CharLmHeldOut(whole.documents(), perDocument, stream, streamRows);
    }
}
