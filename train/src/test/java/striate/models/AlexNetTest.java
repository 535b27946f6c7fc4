package striate.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import striate.models.AlexNet.Config;
import striate.models.AlexNet.Variant;
import striate.nn.Losses;
import striate.nn.Parameter;
import striate.nn.Summary;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Shape;
import striate.tensor.Tensor;

/** Layout, parameter counts against the published models, sizes, config round-trip, and a training step. */
class AlexNetTest {

    @Test
    void parameterCountsMatchThePublishedModels() {
        // The paper's grouped layout is the reference Caffe AlexNet; OWT is torchvision's alexnet.
        AlexNet paper = new AlexNet(Config.defaults(), 1);
        assertEquals(60_965_224L, paper.parameterCount());
        assertArrayEquals(new long[] {256, 48, 5, 5}, paper.namedParameters().get("conv2.weight").value().shape().dims());
        AlexNet owt = new AlexNet(new Config(Variant.OWT, 1000, 3, 224, 0.5), 1);
        assertEquals(61_100_840L, owt.parameterCount());
        assertArrayEquals(new long[] {4096, 9216}, owt.namedParameters().get("fc6.weight").value().shape().dims());
    }

    @Test
    void finalMapSizeFollowsTheInputConvention() {
        assertEquals(6, AlexNet.finalSide(224));
        assertEquals(6, AlexNet.finalSide(227)); // the paper's unpadded 227 gives the same maps
        assertEquals(1, AlexNet.finalSide(AlexNet.MIN_SIZE));
        assertEquals(0, AlexNet.finalSide(AlexNet.MIN_SIZE - 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Config(Variant.OWT, 10, 1, 62, 0.5));
        assertTrue(e.getMessage().contains("at least 63"), e.getMessage());
    }

    @Test
    void configRoundTripsAndRejectsUnknownKeys() {
        Config c = Config.parse("variant=owt,classes=10,channels=1,size=64,dropout=0.25");
        assertEquals(new Config(Variant.OWT, 10, 1, 64, 0.25), c);
        assertEquals(c, Config.parse(c.toString()));
        assertEquals(Config.defaults(), Config.parse(""));
        assertThrows(IllegalArgumentException.class, () -> Config.parse("depth=8"));
        assertThrows(IllegalArgumentException.class, () -> Config.parse("variant=vgg"));
    }

    @Test
    void smallInputsRunForwardAndBackwardThroughEveryLayer() {
        for (Variant v : Variant.values()) {
            AlexNet net = new AlexNet(new Config(v, 5, 1, 67, 0.5), 7);
            String table = Summary.of(net, Shape.of(2, 1, 67, 67));
            assertTrue(table.contains("[2, 256, 1, 1]"), table); // pool5
            assertTrue(table.contains("[2, 5]"), table);
            assertEquals(v == Variant.PAPER, table.contains("LocalResponseNorm"), table);

            Tensor x = Tensor.rand(Device.reference(), DType.F32, Shape.of(2, 1, 67, 67), -1, 1, 3);
            Tensor y = Tensor.ofInts(Device.reference(), new int[] {1, 4}, 2);
            net.train();
            Tensor loss = Losses.crossEntropy(net.forward(x), y);
            assertTrue(Double.isFinite(loss.item()) && loss.item() > 0, "loss " + loss.item());
            loss.backward();
            for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
                Tensor g = e.getValue().grad();
                assertTrue(g != null, v + ": no gradient for " + e.getKey());
                float sum = 0;
                for (float f : g.toFloatArray()) {
                    sum += Math.abs(f);
                }
                assertTrue(sum > 0, v + ": all-zero gradient for " + e.getKey());
            }
        }
    }
}
