package striate.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.nn.Linear;
import striate.nn.Module;
import striate.nn.Parameter;
import striate.nn.Sequential;
import striate.optim.Optimizer;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Shape;
import striate.tensor.Storage;
import striate.tensor.Tensor;

/**
 * What each replica's optimizer is handed after a data-parallel step on two reference devices: every gradient is a
 * view of that replica's one flat buffer (one storage for all parameters), at the offset {@link Buckets} gives it,
 * shaped like its parameter, and already summed (the two replicas' views hold the same values). The exchange is the
 * ring, as host devices get.
 */
class DataParallelLayoutTest {
    /** What the optimizer saw of one parameter's gradient. */
    private record Seen(Storage storage, long offset, Shape shape, float[] values) {
    }

    /** An optimizer that records the gradients it is given and changes nothing. */
    private static final class Recording extends Optimizer {
        final Map<String, Seen> seen = new LinkedHashMap<>();

        Recording(Map<String, Parameter> parameters) {
            super(parameters, 0.1, 0);
        }

        @Override
        protected void update(String name, Tensor value, Tensor grad, long step) {
            seen.put(name, new Seen(grad.storage(), grad.offset(), grad.shape(), grad.toFloatArray()));
        }

        @Override
        protected Map<String, Tensor> buffers() {
            return Map.of();
        }

        @Override
        protected void loadBuffers(Map<String, Tensor> buffers) {
        }
    }

    private static Module model() {
        Rng rng = new Rng(3);
        return new Sequential(new Linear(6, 40, rng), new Linear(40, 5, rng), new Linear(5, 3, rng));
    }

    @Test
    void gradientsAreViewsOfOneFlatBufferAtTheirOffsets() {
        List<Device> devices = List.of(new Device(Device.Kind.REFERENCE, 0), new Device(Device.Kind.REFERENCE, 1));
        List<Recording> optimizers = new ArrayList<>();
        long bucketBytes = 512;
        Tensor x = Tensor.rand(devices.getFirst(), striate.tensor.DType.F32, Shape.of(4, 6), -1, 1, 7);
        Tensor y = Tensor.ofInts(devices.getFirst(), new int[] {0, 2, 1, 2}, 4);
        try (DataParallel dp = DataParallel.builder(devices, DataParallelLayoutTest::model, m -> {
            Recording r = new Recording(m.namedParameters());
            synchronized (optimizers) {
                optimizers.add(r);
            }
            return r;
        }).bucketBytes(bucketBytes).build()) {
            assertEquals("ring", dp.exchangeChoice().name());
            dp.step(x, y);
            List<String> names = new ArrayList<>(dp.module().namedParameters().keySet()).reversed();
            List<Shape> shapes = names.stream().map(n -> dp.module().namedParameters().get(n).value().shape()).toList();
            Buckets layout = new Buckets(shapes, 4, bucketBytes);
            assertEquals(layout.buckets(), dp.buckets());
            assertEquals(4, dp.buckets(), "the last layer's gradients and the bias of 5 share bucket 0; 5·40, 40 and 40·6 get one each");
            List<Map<String, Seen>> seen = optimizers.stream().map(o -> o.seen).toList();
            assertEquals(2, seen.size());
            for (Map<String, Seen> replica : seen) {
                Storage flat = replica.get(names.getFirst()).storage();
                for (int i = 0; i < names.size(); i++) {
                    Seen s = replica.get(names.get(i));
                    assertSame(flat, s.storage(), names.get(i) + " is a view of the flat buffer");
                    assertEquals(layout.offset(i), s.offset(), names.get(i) + "'s offset");
                    assertEquals(shapes.get(i), s.shape(), names.get(i) + "'s shape");
                }
                assertEquals(layout.elements(), flat.elements(), "the flat buffer's length");
            }
            assertNotSame(seen.get(0).get(names.getFirst()).storage(), seen.get(1).get(names.getFirst()).storage());
            for (String name : names) {
                assertArrayEquals(seen.get(0).get(name).values(), seen.get(1).get(name).values(), name + " is summed");
            }
        }
    }

    /** A linear layer whose output is scaled by a frozen parameter [3] (no gradient, nothing to exchange). */
    private static final class FrozenScale extends Module {
        private final Linear linear;
        private final Parameter scale;

        FrozenScale() {
            linear = registerModule("linear", new Linear(6, 3, new Rng(5)));
            scale = registerParameter("scale", Tensor.of(Device.reference(), new float[] {0.5f, 2f, -1f}, 3), false);
        }

        @Override
        public Tensor forward(Tensor x) {
            return linear.forward(x).mul(scale.value());
        }
    }

    @Test
    void frozenParametersHaveNoPlaceInTheBuffer() {
        List<Device> devices = List.of(new Device(Device.Kind.REFERENCE, 0), new Device(Device.Kind.REFERENCE, 1));
        List<Recording> optimizers = new ArrayList<>();
        Tensor x = Tensor.rand(devices.getFirst(), striate.tensor.DType.F32, Shape.of(4, 6), -1, 1, 7);
        Tensor y = Tensor.ofInts(devices.getFirst(), new int[] {0, 2, 1, 2}, 4);
        try (DataParallel dp = DataParallel.builder(devices, FrozenScale::new, m -> {
            Recording r = new Recording(m.namedParameters());
            synchronized (optimizers) {
                optimizers.add(r);
            }
            return r;
        }).build()) {
            dp.step(x, y);
            Buckets trainable = new Buckets(List.of(Shape.of(3), Shape.of(3, 6)), 4, Long.MAX_VALUE);
            for (Recording r : optimizers) {
                assertEquals(List.of("linear.bias", "linear.weight"), List.copyOf(r.seen.keySet().stream().sorted()
                        .toList()), "the optimizer is handed the trainable parameters only");
                assertEquals(trainable.elements(), r.seen.get("linear.weight").storage().elements(),
                        "the flat buffer holds the trainable parameters only");
            }
        }
    }
}
