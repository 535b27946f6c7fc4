package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import striate.models.LeNet5;
import striate.nn.Losses;
import striate.nn.Parameter;
import striate.op.Conv2dBackwardFilterOp;
import striate.optim.Optimizer;
import striate.optim.Sgd;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.Tolerance;

/**
 * Model level: one LeNet-5 training step from the same seed on the CPU and on CUDA gives the same loss, the same
 * gradient for every named parameter and the same updated weights, within the tolerance table.
 */
@Tag("gpu")
class CudaModelTest {
    /** Loss, gradients and weights after one SGD step on {@code device}. */
    record Step(double loss, Map<String, double[]> grads, Map<String, double[]> weights) {
    }

    static Step lenetStep(Device device) {
        LeNet5 net = new LeNet5(LeNet5.Config.defaults(), 42);
        net.to(device);
        Optimizer opt = Sgd.builder(net.namedParameters()).lr(0.02).momentum(0.9).build();
        Tensor x = Fixtures.uniform(device, 7, 0, 1, 16, 1, 28, 28);
        Tensor y = Fixtures.labels(device, 8, 16, 10);
        Tensor loss = Losses.crossEntropy(net.forward(x), y);
        loss.backward();
        Map<String, double[]> grads = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : net.namedParameters().entrySet()) {
            assertEquals(device, e.getValue().grad().device(), e.getKey());
            grads.put(e.getKey(), e.getValue().grad().toDoubleArray());
        }
        opt.step();
        Map<String, double[]> weights = new LinkedHashMap<>();
        net.namedParameters().forEach((name, p) -> weights.put(name, p.value().toDoubleArray()));
        return new Step(loss.item(), grads, weights);
    }

    @Test
    void oneLeNetStepOnCudaMatchesTheCpu() {
        Gpu.backend();
        Step cpu = lenetStep(Device.cpu());
        Step cuda = lenetStep(Device.cuda(0));
        assertEquals(cpu.loss(), cuda.loss(), 1e-5 * (1 + Math.abs(cpu.loss())), "loss");
        // Gradients pass through every layer's backward: the long-sum (filter-gradient) tolerance.
        Tolerance t = Tolerance.of(Conv2dBackwardFilterOp.class, DType.F32);
        for (String name : cpu.grads().keySet()) {
            assertNull(t.mismatches("gradient of " + name, cpu.grads().get(name), cuda.grads().get(name)));
            assertNull(t.mismatches("weights of " + name, cpu.weights().get(name), cuda.weights().get(name)));
        }
        assertTrue(cpu.grads().size() >= 10, "LeNet-5 has weights and biases in 5 layers: " + cpu.grads().keySet());
    }
}
