package striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.autograd.GradMode;
import striate.data.DocumentWindows;
import striate.data.SequenceBatch;
import striate.data.StreamBatches;
import striate.models.CharLstm;
import striate.nn.Losses;
import striate.nn.Parameter;
import striate.nn.RNNBase;
import striate.optim.Adam;
import striate.optim.LrSchedule;
import striate.tensor.Device;
import striate.tensor.MemoryScope;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * Truncated backpropagation through time as {@link LanguageModeling} runs it, on the reference backend: each window
 * starts from the state the previous window ended in (the same values), detached (its gradient is the gradient of
 * a run from a constant state of those values, nothing reaches the previous window), zeros again at each pass; a
 * pass over whole documents predicts each document from its own start alone; and a tiny character LSTM learns a
 * text with structure far below the uniform guess's log2(characters) bits.
 */
class LanguageModelingTest {
    private static final Device REF = Device.reference();

    private static CharLstm model(long seed) {
        CharLstm m = new CharLstm(new CharLstm.Config(6, 4, 5, 2, 0.0), seed);
        m.to(REF);
        return m;
    }

    private static int[] randomIds(int n, int chars, long seed) {
        Rng rng = new Rng(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = rng.nextInt(chars);
        }
        return ids;
    }

    private static Map<String, float[]> gradients(CharLstm m) {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : m.namedParameters().entrySet()) {
            out.put(e.getKey(), e.getValue().grad().toFloatArray());
        }
        return out;
    }

    @Test
    void eachWindowStartsFromThePreviousWindowsFinalStateDetached() {
        CharLstm model = model(3);
        List<RNNBase.State> given = new ArrayList<>();
        LanguageModeling task = new LanguageModeling((ids, state, lengths) -> {
            given.add(state);
            return model.forward(ids, state, lengths);
        });
        Iterator<SequenceBatch> windows = new StreamBatches(randomIds(25, 6, 1), 2, 4, REF).iterator();
        SequenceBatch w0 = windows.next();
        SequenceBatch w1 = windows.next();

        task.beforePass(true);
        try (MemoryScope scope = MemoryScope.open()) {
            task.forward(w0).loss().backward();
            task.afterBatch(scope);
        }
        assertNull(given.get(0), "the first window starts from zeros");
        RNNBase.State direct;
        try (GradMode.Scope off = GradMode.off()) {
            direct = model.forward(w0.x(), null, null).state();
        }
        RNNBase.State carried = task.carried();
        assertArrayEquals(direct.h().toFloatArray(), carried.h().toFloatArray());
        assertArrayEquals(direct.c().toFloatArray(), carried.c().toFloatArray());
        assertFalse(carried.h().requiresGrad() || carried.c().requiresGrad(), "detached at the boundary");

        model.zeroGrad();
        double lossCarried;
        Map<String, float[]> viaTask;
        try (MemoryScope scope = MemoryScope.open()) {
            Task.Output out = task.forward(w1);
            lossCarried = out.loss().item();
            out.loss().backward();
            viaTask = gradients(model);
            assertArrayEquals(carried.h().toFloatArray(), given.get(1).h().toFloatArray(), "window 1 reads window 0's "
                    + "end");
            task.afterBatch(scope);
        }

        // the same window from a constant state of the same values: a gradient that reached window 0 would differ
        model.zeroGrad();
        RNNBase.State constant = new RNNBase.State(Tensor.of(REF, direct.h().toFloatArray(), 2, 2, 5),
                Tensor.of(REF, direct.c().toFloatArray(), 2, 2, 5));
        Losses.sequenceCrossEntropy(model.forward(w1.x(), constant, w1.lengths()).logits(), w1.y()).backward();
        Map<String, float[]> fromConstant = gradients(model);
        for (String name : viaTask.keySet()) {
            assertArrayEquals(fromConstant.get(name), viaTask.get(name), name);
        }
        double lossCold;
        try (GradMode.Scope off = GradMode.off()) {
            lossCold = Losses.sequenceCrossEntropy(model.forward(w1.x(), null, w1.lengths()).logits(), w1.y()).item();
        }
        assertNotEquals(lossCold, lossCarried, "the carried state changes the window's predictions");

        task.beforePass(false);
        assertNull(task.carried(), "every pass starts from zeros");
    }

    @Test
    void wholeDocumentsArePredictedEachFromItsOwnStart() {
        CharLstm model = model(4);
        int[] a = randomIds(11, 6, 5);
        int[] b = randomIds(6, 6, 6);
        LanguageModeling task = new LanguageModeling(model);
        LanguageModelEvaluation both = LanguageModelEvaluation.of(model, task,
                new DocumentWindows(List.of(a, b), 4, REF));
        LanguageModelEvaluation onlyA = LanguageModelEvaluation.of(model, task, new DocumentWindows(List.of(a), 4, REF));
        LanguageModelEvaluation onlyB = LanguageModelEvaluation.of(model, task, new DocumentWindows(List.of(b), 4, REF));
        LanguageModelEvaluation oneWindow = LanguageModelEvaluation.of(model, task,
                new DocumentWindows(List.of(a, b), 100, REF));
        assertEquals(15, both.characters());
        assertEquals(onlyA.bits() + onlyB.bits(), both.bits(), 1e-4, "no document sees another");
        assertEquals(oneWindow.bits(), both.bits(), 1e-4, "windows carry the state: the same as reading each whole");
    }

    @Test
    void aTinyCharacterLstmLearnsATextWithStructure() throws Exception {
        // "abcde" repeated with a random letter among them: 6 ids, ~1.1 of log2(6) = 2.58 bits are predictable
        Rng rng = new Rng(8);
        int[] text = new int[4000];
        for (int i = 0; i < text.length; i++) {
            text[i] = i % 6 == 5 ? rng.nextInt(6) : i % 6;
        }
        CharLstm model = new CharLstm(new CharLstm.Config(6, 4, 16, 1, 0.0), 9);
        model.to(REF);
        Trainer.Options o = new Trainer.Options(3, 8, 1, 0.02, LrSchedule.constant(), 0, 0, CharLstm.NAME,
                model.config().toString(), null, null).withClipGradNorm(5);
        History h = new Trainer(model, Adam.builder(model.namedParameters()).lr(0.02).build(), REF, o).fit(
                new LanguageModeling(model), BatchSource.of(new StreamBatches(text, 8, 25, REF)),
                BatchSource.of(new DocumentWindows(List.of(Arrays.copyOf(text, 600)), 25, REF)), null);
        double uniform = Math.log(6) / Math.log(2);
        double last = h.last().orElseThrow().valMetric();
        assertTrue(last < 0.6, "validation " + last + " bits per character, uniform " + uniform);
        assertTrue(h.epochs().getFirst().trainMetric() > last, "it learned");
    }
}
