package striate.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * Which exchange data parallel picks: the ring for host devices, for replicas sharing a GPU and when no engine can
 * serve the GPUs (with the engine's reason); an engine only for distinct GPUs it says it can serve. The engines here
 * are stand-ins that record what they were asked, so no GPU is needed.
 */
class ExchangeChoiceTest {
    /** An engine that is available or not, as told, and records the devices it was asked about. */
    private static final class StandIn implements CollectiveEngine {
        private final Optional<String> unavailable;
        final List<List<Device>> asked = new ArrayList<>();

        StandIn(Optional<String> unavailable) {
            this.unavailable = unavailable;
        }

        @Override
        public String name() {
            return "nccl";
        }

        @Override
        public Optional<String> unavailable(List<Device> devices) {
            asked.add(devices);
            return unavailable;
        }

        @Override
        public GradientExchange open(List<Device> devices) {
            return (int bucket, List<Tensor> buffers) -> {
            };
        }
    }

    private static final List<Device> TWO_GPUS = List.of(Device.cuda(0), Device.cuda(1));

    @Test
    void hostDevicesUseTheRingWithoutAskingEngines() {
        StandIn nccl = new StandIn(Optional.empty());
        ExchangeChoice c = ExchangeChoice.choose(List.of(Device.parse("cpu:0"), Device.parse("cpu:1")), List.of(nccl));
        assertEquals("ring", c.name());
        assertTrue(c.reason().contains("host devices [cpu, cpu:1]"), c.reason());
        assertTrue(c.engine().isEmpty());
        assertEquals(List.of(), nccl.asked);
        assertEquals("ring", ExchangeChoice.choose(List.of(Device.cuda(0), Device.parse("cpu:0")), List.of(nccl))
                .name(), "a GPU with a host device");
    }

    @Test
    void replicasSharingAGpuUseTheRing() {
        StandIn nccl = new StandIn(Optional.empty());
        ExchangeChoice c = ExchangeChoice.choose(List.of(Device.cuda(0), Device.cuda(1), Device.cuda(0)),
                List.of(nccl));
        assertEquals("ring", c.name());
        assertTrue(c.reason().contains("replicas share [cuda:0]"), c.reason());
        assertEquals(List.of(), nccl.asked);
    }

    @Test
    void distinctGpusUseAnAvailableEngine() {
        StandIn nccl = new StandIn(Optional.empty());
        ExchangeChoice c = ExchangeChoice.choose(TWO_GPUS, List.of(nccl));
        assertEquals("nccl", c.name());
        assertSame(nccl, c.engine().orElseThrow());
        assertEquals(List.of(TWO_GPUS), nccl.asked);
        assertEquals("nccl (replicas on distinct GPUs [cuda:0, cuda:1])", c.toString());
    }

    @Test
    void distinctGpusFallBackToTheRingWithTheEnginesReason() {
        StandIn missing = new StandIn(Optional.of("libnccl.so.2 not found on the library search path"));
        ExchangeChoice c = ExchangeChoice.choose(TWO_GPUS, List.of(missing));
        assertEquals("ring", c.name());
        assertEquals("nccl unavailable: libnccl.so.2 not found on the library search path", c.reason());
        assertEquals(List.of(TWO_GPUS), missing.asked);

        ExchangeChoice none = ExchangeChoice.choose(TWO_GPUS, List.of());
        assertEquals("ring", none.name());
        assertTrue(none.reason().startsWith("no collective engine on the class path"), none.reason());
    }

    @Test
    void oneReplicaNeedsNoEngine() {
        StandIn nccl = new StandIn(Optional.empty());
        assertEquals("ring", ExchangeChoice.choose(List.of(Device.cuda(0)), List.of(nccl)).name());
        assertEquals(List.of(), nccl.asked);
    }

    @Test
    void theClassPathOfThisModuleHasNoEngine() {
        // train depends on no backend: its own tests find no engine, so even two GPUs get the ring, with the reason
        ExchangeChoice c = ExchangeChoice.forDevices(TWO_GPUS);
        assertEquals("ring", c.name());
        assertTrue(c.reason().contains("striate-backend-cuda provides NCCL"), c.reason());
    }
}
