package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** The pool runs every chunk exactly once, from any caller, nested or concurrent, and passes failures on. */
class IntraOpPoolTest {
    @Test
    void everyChunkRunsOnceOverManyBackToBackCalls() {
        IntraOpPool pool = new IntraOpPool(3);
        for (int call = 0; call < 2_000; call++) {
            int chunks = 1 + call % 37;
            AtomicIntegerArray runs = new AtomicIntegerArray(chunks);
            pool.forEach(chunks, runs::incrementAndGet);
            for (int i = 0; i < chunks; i++) {
                assertEquals(1, runs.get(i), "call " + call + " chunk " + i);
            }
        }
    }

    @Test
    void nestedCallsFromChunksRunOnTheirOwnThread() {
        IntraOpPool pool = new IntraOpPool(2);
        AtomicIntegerArray runs = new AtomicIntegerArray(8 * 5);
        pool.forEach(8, outer -> pool.forEach(5, inner -> runs.incrementAndGet(outer * 5 + inner)));
        for (int i = 0; i < runs.length(); i++) {
            assertEquals(1, runs.get(i), "cell " + i);
        }
    }

    @Test
    void twoCallerThreadsAtOnceBothFinish() throws InterruptedException {
        IntraOpPool pool = new IntraOpPool(2);
        AtomicIntegerArray[] runs = {new AtomicIntegerArray(64), new AtomicIntegerArray(64)};
        Thread[] callers = new Thread[2];
        for (int c = 0; c < 2; c++) {
            AtomicIntegerArray mine = runs[c];
            callers[c] = new Thread(() -> {
                for (int call = 0; call < 500; call++) {
                    pool.forEach(64, mine::incrementAndGet);
                }
            });
            callers[c].start();
        }
        for (Thread t : callers) {
            t.join();
        }
        for (AtomicIntegerArray r : runs) {
            for (int i = 0; i < r.length(); i++) {
                assertEquals(500, r.get(i), "chunk " + i);
            }
        }
    }

    @Test
    void aFailingChunkFailsTheCallAfterTheOthersRan() {
        IntraOpPool pool = new IntraOpPool(2);
        IllegalStateException boom = new IllegalStateException("chunk 3");
        AtomicIntegerArray runs = new AtomicIntegerArray(10);
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> pool.forEach(10, i -> {
            runs.incrementAndGet(i);
            if (i == 3) {
                throw boom;
            }
        }));
        assertSame(boom, thrown);
        for (int i = 0; i < 10; i++) {
            assertEquals(1, runs.get(i), "chunk " + i);
        }
        AtomicIntegerArray again = new AtomicIntegerArray(4);
        pool.forEach(4, again::incrementAndGet); // the pool still works
        assertEquals(1, again.get(3));
    }
}
