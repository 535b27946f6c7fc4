package striate.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.op.KernelTable;
import striate.op.UnaryFn;
import striate.op.UnaryOp;
import striate.reference.ReferenceBackend;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;

/** The trace is off unless asked for, records which kernel ran for each op on the recording thread, and its path. */
class KernelTraceTest {
    /** A backend whose ReLU kernel names a path and runs a nested op; float64 goes to the reference, declared. */
    private static final class Traced extends HostBackend {
        private final KernelTable table = KernelTable.builder("traced", ReferenceBackend.KERNELS)
                .put(UnaryOp.class, "TracedUnary", (op, in, out) -> {
                    KernelTrace.path("outer path");
                    if (op.fn() == UnaryFn.RELU) {
                        execute(new UnaryOp(UnaryFn.NEG), in[0]); // a kernel that runs an op of its own
                    }
                    out.copyFrom(in[0].toDoubleArray());
                }, (op, in) -> in[0].dtype() == DType.F32, "float64 inputs: the test's declared reference use")
                .build();

        @Override
        public Device device() {
            return Device.reference();
        }

        @Override
        public String name() {
            return "traced";
        }

        @Override
        public KernelTable kernels() {
            return table;
        }
    }

    @Test
    void offUnlessARecorderIsOpenOrThePropertyIsSet() {
        assertFalse(KernelTrace.on(), "the build runs tests without -Dstriate.trace");
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            assertTrue(KernelTrace.on());
            assertEquals(List.of(), r.events());
        }
        assertFalse(KernelTrace.on());
    }

    @Test
    void recordsOpKernelBackendAndPathInOrderNestedOpsFirst() {
        Traced b = new Traced();
        Tensor x = Tensor.ones(Device.reference(), DType.F32, 3);
        Tensor x64 = Tensor.ones(Device.reference(), DType.F64, 3);
        b.execute(new UnaryOp(UnaryFn.TANH), x); // before the recorder: not recorded
        List<KernelTrace.Event> events;
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            b.execute(new UnaryOp(UnaryFn.RELU), x);
            b.execute(new UnaryOp(UnaryFn.RELU), x64);
            events = r.events();
            assertEquals(Map.of(events.get(0), 1L, events.get(1), 1L, events.get(2), 1L), r.counts());
        }
        assertEquals(3, events.size(), events.toString());
        assertEquals(new KernelTrace.Event("UnaryOp(NEG)", "traced", "TracedUnary", "traced", "outer path"),
                events.get(0));
        assertEquals(new KernelTrace.Event("UnaryOp(RELU)", "traced", "TracedUnary", "traced", "outer path"),
                events.get(1), "the nested op's path does not replace the outer kernel's");
        KernelTrace.Event borrowed = events.get(2);
        assertEquals(new KernelTrace.Event("UnaryOp(RELU)", "traced", "ReferenceElementwise", "reference", null),
                borrowed);
        assertTrue(borrowed.borrowed());
        assertEquals("UnaryOp(RELU) → ReferenceElementwise (reference)", borrowed.toString());
        assertEquals("UnaryOp(RELU) → TracedUnary [outer path]", events.get(1).toString());
    }

    @Test
    void nestedRecordersTakeTurnsAndCloseInnermostFirst() {
        Traced b = new Traced();
        Tensor x = Tensor.ones(Device.reference(), DType.F32, 3);
        try (KernelTrace.Recorder outer = KernelTrace.record()) {
            b.execute(new UnaryOp(UnaryFn.TANH), x);
            try (KernelTrace.Recorder inner = KernelTrace.record()) {
                b.execute(new UnaryOp(UnaryFn.EXP), x);
                b.execute(new UnaryOp(UnaryFn.EXP), x);
                assertEquals(2, inner.events().size());
                assertThrows(IllegalStateException.class, outer::close, "the inner one is still open");
            }
            b.execute(new UnaryOp(UnaryFn.TANH), x);
            assertEquals(List.of("UnaryOp(TANH)", "UnaryOp(TANH)"),
                    outer.events().stream().map(KernelTrace.Event::op).toList());
        }
    }

    @Test
    void aRecorderSeesOnlyItsOwnThread() throws InterruptedException {
        Traced b = new Traced();
        Tensor x = Tensor.ones(Device.reference(), DType.F32, 3);
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            Thread other = new Thread(() -> b.execute(new UnaryOp(UnaryFn.EXP), x));
            other.start();
            other.join();
            assertEquals(List.of(), r.events());
        }
    }

    @Test
    void theSummaryCountsEachKernelMostFrequentFirstAndCountsBorrowedRuns() {
        Traced b = new Traced();
        Tensor x = Tensor.ones(Device.reference(), DType.F32, 3);
        Tensor x64 = Tensor.ones(Device.reference(), DType.F64, 3);
        String summary;
        try (KernelTrace.Recorder r = KernelTrace.record()) {
            b.execute(new UnaryOp(UnaryFn.EXP), x64);
            b.execute(new UnaryOp(UnaryFn.TANH), x);
            b.execute(new UnaryOp(UnaryFn.TANH), x);
            summary = r.summary();
        }
        String[] lines = summary.split("\n");
        assertEquals("kernel trace: 3 kernel runs, 1 on reference kernels", lines[0]);
        assertEquals("2  UnaryOp(TANH) → TracedUnary [outer path] on traced", lines[1].trim());
        assertEquals("1  UnaryOp(EXP) → ReferenceElementwise (reference) on traced", lines[2].trim());
    }

    @Test
    void thePropertyTracesTheWholeJvmAndPrintsTheCountsAtExit() throws IOException, InterruptedException {
        String err = runChild("kernels");
        assertTrue(err.startsWith("kernel trace: 5 kernel runs, 0 on reference kernels\n"), err);
        assertTrue(err.contains("3  UnaryOp(TANH) → ReferenceElementwise on reference"), err);
        assertTrue(err.contains("2  BinaryOp(ADD) → ReferenceElementwise on reference"), err);
        assertEquals("striate: -Dstriate.trace=kernel is not a trace; the one there is: -Dstriate.trace=kernels\n",
                runChild("kernel"), "a misspelt value is named, and nothing is traced");
    }

    /** Runs {@link Child} in a JVM with -Dstriate.trace=value; returns its stderr. */
    private static String runChild(String value) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), "-Dstriate.trace=" + value,
                Child.class.getName()));
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        return err;
    }

    /** Three tanh and two additions on the reference, on two threads. */
    static final class Child {
        public static void main(String[] args) throws InterruptedException {
            Tensor x = Tensor.ones(Device.reference(), DType.F32, 3);
            x.tanh().tanh().add(x);
            Thread other = new Thread(() -> x.tanh().add(x));
            other.start();
            other.join();
        }
    }
}
