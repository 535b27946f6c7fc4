package striate.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import striate.nn.Linear;
import striate.nn.Module;
import striate.nn.Sequential;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Tensor;
import striate.testing.PlainSgd;

/**
 * The order gradients become ready and are reduced, on three reference devices with four buckets: every replica
 * fills its buckets 0, 1, 2, 3 in that order (backward finishes the last layer first, and bucket 0 holds it), each
 * bucket's all-reduce starts only once all three replicas have filled it, and the all-reduces run in bucket order,
 * once each per step, then the exchange's finish once (before any replica's optimizer step reads the sums, which a
 * replica only does once the round is over), the same on the next step.
 */
class DataParallelOrderTest {
    private static Module model() {
        Rng rng = new Rng(3);
        return new Sequential(new Linear(6, 40, rng), new Linear(40, 5, rng), new Linear(5, 3, rng));
    }

    /** Plain SGD at 0.1 that records each parameter's update. */
    private static final class RecordedSgd extends PlainSgd {
        private final List<String> events;

        RecordedSgd(Module m, List<String> events) {
            super(m.namedParameters(), 0.1, false);
            this.events = events;
        }

        @Override
        protected void update(String name, Tensor value, Tensor grad, long step) {
            events.add("update");
            super.update(name, value, grad, step);
        }
    }

    @Test
    void bucketsFillInOrderAndReduceInOrderOnceAllHaveFilledThem() {
        List<Device> devices = List.of(new Device(Device.Kind.REFERENCE, 0), new Device(Device.Kind.REFERENCE, 1),
                new Device(Device.Kind.REFERENCE, 2));
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        StepListener listener = new StepListener() {
            @Override
            public void bucketFilled(int replica, int bucket) {
                events.add("filled " + replica + " " + bucket);
            }

            @Override
            public void reduceStarted(int bucket) {
                events.add("reduce " + bucket);
            }
        };
        Tensor x = Tensor.rand(devices.getFirst(), DType.F32, Shape.of(5, 6), -1, 1, 7);
        Tensor y = Tensor.ofInts(devices.getFirst(), new int[] {0, 2, 1, 2, 0}, 5);
        GradientExchange ring = new RingAllReduce(new HostChunkLink());
        GradientExchange recorded = new GradientExchange() { // the ring, and when the step's exchange finishes
            @Override
            public void allReduce(int bucket, List<Tensor> buffers) {
                ring.allReduce(bucket, buffers);
            }

            @Override
            public void finish() {
                events.add("finish");
            }
        };
        try (DataParallel dp = DataParallel.builder(devices, DataParallelOrderTest::model,
                m -> new RecordedSgd(m, events)).bucketBytes(512).listener(listener).exchange(recorded).build()) {
            assertEquals(4, dp.buckets());
            for (int step = 0; step < 2; step++) {
                events.clear();
                dp.step(x, y);
                List<String> seen = List.copyOf(events);
                for (int r = 0; r < 3; r++) {
                    String mine = "filled " + r + " ";
                    assertEquals(List.of(mine + 0, mine + 1, mine + 2, mine + 3),
                            seen.stream().filter(e -> e.startsWith(mine)).toList(), "replica " + r + "'s fill order");
                }
                assertEquals(List.of("reduce 0", "reduce 1", "reduce 2", "reduce 3", "finish"),
                        seen.stream().filter(e -> e.startsWith("reduce") || e.equals("finish")).toList(),
                        "reduce order, then the exchange's finish once");
                assertTrue(seen.indexOf("update") > seen.indexOf("finish") && seen.contains("finish"),
                        "no replica updates before the exchange has finished: " + seen);
                for (int k = 0; k < 4; k++) {
                    int reduce = seen.indexOf("reduce " + k);
                    for (int r = 0; r < 3; r++) {
                        assertTrue(seen.indexOf("filled " + r + " " + k) < reduce, "bucket " + k + " reduced before "
                                + "replica " + r + " filled it: " + seen);
                    }
                }
            }
        }
    }
}
