package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import striate.parallel.PeerWatch;

/**
 * The NCCL watchdog's decisions, with a fake group and a fake clock (no GPU): what aborts (an asynchronous error, a
 * round of collectives waiting past the timeout, the launcher's stop), what does not (a slow but moving run, an idle
 * group, NCCL's in-progress code), that it aborts once, and that the exchange's calls are refused after it.
 */
class CollectiveWatchdogTest {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    /** A group whose state the test sets; it records the aborts. */
    private static class FakeGroup implements CollectiveWatchdog.Watched {
        volatile int error;
        volatile boolean done = true;
        volatile RuntimeException abortFails;
        final List<String> aborts = new ArrayList<>();
        final CountDownLatch aborted = new CountDownLatch(1);

        @Override
        public int asyncError() {
            return error;
        }

        @Override
        public String errorText(int code) {
            return "remote process exited or there was a network error";
        }

        @Override
        public boolean collectivesDone() {
            return done;
        }

        @Override
        public synchronized void abort(String why) {
            aborts.add(why);
            aborted.countDown();
            if (abortFails != null) {
                throw abortFails;
            }
        }
    }

    private final FakeGroup group = new FakeGroup();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicReference<Optional<String>> stopped = new AtomicReference<>(Optional.empty());
    private final CollectiveWatchdog watchdog = new CollectiveWatchdog("NCCL rank 1 of 2 on cuda:0", group,
            new PeerWatch(TIMEOUT, stopped::get), now::get);

    private void advance(Duration d) {
        now.addAndGet(d.toNanos());
    }

    @Test
    void anAsynchronousErrorAbortsOnceAndTheExchangeIsRefusedAfter() {
        assertFalse(watchdog.poll(), "a healthy group is left alone");
        watchdog.check("NCCL all-reduce of bucket 0"); // does not throw
        group.error = 6; // ncclRemoteError
        assertTrue(watchdog.poll());
        assertTrue(watchdog.poll(), "still aborted");
        assertEquals(1, group.aborts.size(), "aborted once");
        String expected = "NCCL rank 1 of 2 on cuda:0 aborted: NCCL reported asynchronous error 6 (remote process "
                + "exited or there was a network error), most likely a lost peer";
        assertEquals(expected, group.aborts.getFirst());
        assertEquals(Optional.of(expected), watchdog.failure());
        CollectiveAbortedException e = assertThrows(CollectiveAbortedException.class,
                () -> watchdog.check("NCCL all-reduce of bucket 3"));
        assertEquals("NCCL all-reduce of bucket 3: " + expected, e.getMessage());
        assertTrue(watchdog.stop(CollectiveWatchdog.STOP_WAIT), "stop says the group was aborted, so its communicators are not destroyed");
    }

    @Test
    void ncclInProgressIsNotAnError() {
        group.error = 7; // ncclInProgress: a nonblocking communicator still working
        assertFalse(watchdog.poll());
        assertTrue(group.aborts.isEmpty());
    }

    @Test
    void aRoundWaitingLongerThanTheTimeoutAborts() {
        watchdog.queued();
        group.done = false;
        assertFalse(watchdog.poll(), "the clock starts when the watchdog first sees the round waiting");
        advance(TIMEOUT);
        assertFalse(watchdog.poll(), "at the timeout exactly it still waits");
        advance(Duration.ofSeconds(1));
        assertTrue(watchdog.poll());
        assertEquals(List.of("NCCL rank 1 of 2 on cuda:0 aborted: a step's collectives have waited 601 s for the "
                + "peers, longer than the timeout of 600 s"), group.aborts);
    }

    @Test
    void aRunThatMovesNeverTimesOutHoweverLongItIs() {
        group.done = false; // the communication stream is always busy: each step queues the next round
        for (int step = 0; step < 100; step++) {
            watchdog.queued();
            assertFalse(watchdog.poll());
            advance(TIMEOUT.minusSeconds(1));
            assertFalse(watchdog.poll(), "step " + step);
        }
        assertTrue(group.aborts.isEmpty());
    }

    @Test
    void aRoundThatFinishedRestartsTheClockForTheNextWaitOfTheSameRound() {
        watchdog.queued();
        group.done = false;
        assertFalse(watchdog.poll());
        advance(TIMEOUT.minusSeconds(10));
        group.done = true; // the round finished; then buckets of the next step are queued before its finish
        assertFalse(watchdog.poll());
        group.done = false;
        assertFalse(watchdog.poll());
        advance(TIMEOUT.minusSeconds(10));
        assertFalse(watchdog.poll(), "this wait began when the watchdog saw it, not at the round's first wait");
        advance(Duration.ofSeconds(20));
        assertTrue(watchdog.poll());
    }

    @Test
    void anIdleGroupNeverTimesOut() {
        assertFalse(watchdog.poll(), "nothing queued yet");
        watchdog.queued();
        assertFalse(watchdog.poll());
        advance(TIMEOUT.multipliedBy(100)); // a long checkpoint write or scoring between steps, with nothing waiting
        assertFalse(watchdog.poll());
        assertTrue(group.aborts.isEmpty());
    }

    @Test
    void theLaunchersStopAbortsEvenWhenTheGroupLooksHealthy() {
        assertFalse(watchdog.poll());
        stopped.set(Optional.of("Spark killed the task: another task of the barrier stage failed"));
        assertTrue(watchdog.poll());
        assertEquals(List.of("NCCL rank 1 of 2 on cuda:0 aborted: the job stopped this rank (Spark killed the task: "
                + "another task of the barrier stage failed)"), group.aborts);
    }

    @Test
    void aFailedAbortIsStillAFailureAndSaysSo() {
        group.abortFails = new CudaCallException("ncclCommAbort failed: NCCL error 5 (invalid usage)");
        group.error = 2;
        assertTrue(watchdog.poll());
        String f = watchdog.failure().orElseThrow();
        assertTrue(f.endsWith("(and the abort failed: ncclCommAbort failed: NCCL error 5 (invalid usage))"), f);
    }

    @Test
    void aLookThatFailsAbortsRatherThanHangs() {
        CollectiveWatchdog failing = new CollectiveWatchdog("NCCL group of [cuda:0, cuda:1]",
                new FakeGroup() {
                    @Override
                    public int asyncError() {
                        throw new CudaCallException("ncclCommGetAsyncError failed: NCCL error 4 (invalid argument)");
                    }
                }, PeerWatch.timeout(TIMEOUT), now::get);
        assertTrue(failing.poll());
        assertEquals("NCCL group of [cuda:0, cuda:1] aborted: the watchdog could not read the communicators' state: "
                + "ncclCommGetAsyncError failed: NCCL error 4 (invalid argument)", failing.failure().orElseThrow());
    }

    @Test
    void theThreadAbortsOnItsOwnAndStopEndsIt() throws InterruptedException {
        CollectiveWatchdog running = new CollectiveWatchdog("NCCL rank 0 of 2 on cuda:0", group,
                PeerWatch.timeout(TIMEOUT), System::nanoTime);
        running.start(Duration.ofMillis(5));
        assertThrows(IllegalStateException.class, () -> running.start(Duration.ofMillis(5)));
        group.error = 6;
        assertTrue(group.aborted.await(30, TimeUnit.SECONDS), "the thread saw the error and aborted");
        assertTrue(running.stop(CollectiveWatchdog.STOP_WAIT));
        assertEquals(1, group.aborts.size());
    }

    @Test
    void afterStopNothingIsAborted() {
        CollectiveWatchdog running = new CollectiveWatchdog("NCCL rank 0 of 2 on cuda:0", group,
                PeerWatch.timeout(TIMEOUT), System::nanoTime);
        running.start(Duration.ofMillis(5));
        assertFalse(running.stop(CollectiveWatchdog.STOP_WAIT), "not aborted");
        group.error = 6;
        assertTrue(running.poll(), "a stopped watchdog reports itself done");
        assertTrue(group.aborts.isEmpty(), "and aborts nothing: the exchange is closing its communicators itself");
        running.check("anything"); // not aborted, so nothing is refused
    }

    /**
     * An abort that hangs (a known NCCL failure) holds nothing back: the exchange's calls are refused as soon as the
     * watchdog has decided, and stop returns after its wait, saying the group was aborted.
     */
    @Test
    @org.junit.jupiter.api.Timeout(value = 60, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void anAbortThatHangsHoldsBackNeitherTheRefusalNorStop() throws InterruptedException {
        CountDownLatch inAbort = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        FakeGroup hanging = new FakeGroup() {
            @Override
            public void abort(String why) {
                inAbort.countDown();
                boolean released = false;
                while (!released) { // an abort stuck in NCCL does not answer interrupts either
                    try {
                        released = release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        // ignored, as a native call would
                    }
                }
            }
        };
        CollectiveWatchdog running = new CollectiveWatchdog("NCCL rank 0 of 2 on cuda:0", hanging,
                PeerWatch.timeout(TIMEOUT), System::nanoTime);
        running.start(Duration.ofMillis(5));
        hanging.error = 6;
        try {
            assertTrue(inAbort.await(30, TimeUnit.SECONDS), "the thread is inside the abort");
            assertThrows(CollectiveAbortedException.class, () -> running.check("NCCL all-reduce of bucket 0"));
            assertTrue(running.stop(Duration.ofMillis(50)), "stop gives up waiting and says the group was aborted");
        } finally {
            release.countDown();
        }
    }

    @Test
    void anErrorInTheAbortIsRecorded() {
        CollectiveWatchdog erring = new CollectiveWatchdog("NCCL rank 0 of 2 on cuda:0", new FakeGroup() {
            {
                error = 6;
            }

            @Override
            public void abort(String why) {
                throw new OutOfMemoryError("no memory for the abort");
            }
        }, PeerWatch.timeout(TIMEOUT), now::get);
        assertTrue(erring.poll());
        assertTrue(erring.failure().orElseThrow().endsWith("(and the abort failed: no memory for the abort)"),
                erring.failure().orElseThrow());
    }

    @Test
    void aPeerWatchNeedsAPositiveTimeout() {
        assertThrows(IllegalArgumentException.class, () -> PeerWatch.timeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> PeerWatch.timeout(Duration.ofSeconds(-1)));
    }
}
