package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import striate.backend.Backends;
import striate.op.CrossEntropyOp;
import striate.op.MatMulOp;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.Tolerance;

/** The CPU backend is found and trains end to end: a tiny backward matches the reference's (coverage: CpuKernelsTest). */
class CpuBackendTest {
    @Test
    void providerIsFoundAndServesCpuDevices() {
        assertInstanceOf(CpuBackend.class, Backends.of(Device.cpu()));
        assertEquals("cpu", Backends.of(Device.cpu()).name());
        assertEquals(Device.parse("cpu:1"), Backends.of(Device.parse("cpu:1")).device());
        assertTrue(Backends.available(Device.Kind.CPU));
        assertTrue(Backends.diagnostics().contains("cpu: available"), Backends.diagnostics().toString());
        assertThrows(IllegalArgumentException.class, () -> new CpuBackend(Device.reference()));
    }

    @Test
    void tinyBackwardOnCpuMatchesTheReference() {
        double[][] grads = new double[4][];
        double[] losses = new double[2];
        int k = 0;
        for (Device d : List.of(Device.reference(), Device.cpu())) {
            // A one-hidden-layer classifier step: loss = mean CE(relu(x·w1ᵀ)·w2ᵀ, y).
            Tensor x = Fixtures.uniform(d, 1, -1, 1, 4, 3);
            Tensor w1 = Fixtures.uniform(d, 2, -1, 1, 5, 3).requiresGrad(true);
            Tensor w2 = Fixtures.uniform(d, 3, -1, 1, 2, 5).requiresGrad(true);
            Tensor y = Tensor.ofInts(d, new int[] {0, 1, 1, 0});
            Tensor logits = x.matmul(w1, false, true).relu().matmul(w2, false, true);
            Tensor loss = Tensor.apply(new CrossEntropyOp(), logits, y).mean();
            loss.backward();
            assertEquals(d, loss.device());
            assertEquals(d, w1.grad().device(), "gradient stays on the device");
            losses[k] = loss.item();
            grads[2 * k] = w1.grad().toDoubleArray();
            grads[2 * k + 1] = w2.grad().toDoubleArray();
            k++;
        }
        assertTrue(losses[0] > 0, "loss " + losses[0]);
        assertEquals(losses[0], losses[1], 1e-6);
        Tolerance t = Tolerance.of(MatMulOp.class, DType.F32);
        assertNull(t.mismatches("dw1", grads[0], grads[2]));
        assertNull(t.mismatches("dw2", grads[1], grads[3]));
        assertTrue(Arrays.stream(grads[2]).anyMatch(g -> g != 0), "w1 gets a gradient");
    }

    @Test
    void mixingDevicesIsAnErrorNotACopy() {
        Tensor a = Tensor.ones(Device.cpu(), DType.F32, 3);
        Tensor b = Tensor.ones(Device.reference(), DType.F32, 3);
        RuntimeException e = assertThrows(RuntimeException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("cpu") && e.getMessage().contains("reference"), e.getMessage());
    }

    @Test
    void elementwiseKernelsSpanningSeveralChunksMatchTheReference() {
        // [3, 5, 71, 67] is 71,355 elements: three chunks of the elementwise kernels, the last one ragged.
        long[] dims = {3, 5, 71, 67};
        java.util.function.Function<Device, List<Tensor>> run = d -> {
            Tensor x = Fixtures.uniform(d, 201, -1, 1, dims);
            Tensor same = Fixtures.uniform(d, 202, -1, 1, dims);
            Tensor channel = Fixtures.uniform(d, 203, -1, 1, 1, 5, 1, 1);
            Tensor trailing = Fixtures.uniform(d, 204, -1, 1, 67);
            return List.of(x.relu(), x.affine(2, 0.5), x.add(same), x.mul(channel), x.sub(trailing),
                    x.permute(0, 1, 3, 2).relu()); // a strided view takes the gather path
        };
        List<Tensor> want = run.apply(Device.reference());
        List<Tensor> got = run.apply(Device.cpu());
        for (int k = 0; k < want.size(); k++) {
            double[] w = want.get(k).toDoubleArray();
            double[] g = got.get(k).toDoubleArray();
            for (int i = 0; i < w.length; i++) {
                assertEquals(w[i], g[i], 1e-6 * (1 + Math.abs(w[i])), "result " + k + " element " + i);
            }
        }
    }

    @Test
    void nativeMatMulReadsOperandsInPlaceForEveryTransposeAndBanding() {
        // 600·200·300 and 200·600·300 multiply-adds are above the native threshold: OpenBLAS on the tensors' own
        // memory, in two bands of rows (m > n) or of columns (n > m). Operands are views one row into a bigger
        // tensor (contiguous, offset), stored transposed where the flag says so.
        int k = 300;
        for (int[] mn : new int[][] {{600, 200}, {200, 600}}) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    int m = mn[0];
                    int n = mn[1];
                    long[] aDims = ta ? new long[] {k, m} : new long[] {m, k};
                    long[] bDims = tb ? new long[] {n, k} : new long[] {k, n};
                    double[][] results = new double[2][];
                    int r = 0;
                    for (Device d : List.of(Device.reference(), Device.cpu())) {
                        Tensor a = Fixtures.uniform(d, 31, -1, 1, aDims[0] + 1, aDims[1]).slice(0, 1, aDims[0] + 1);
                        Tensor b = Fixtures.uniform(d, 32, -1, 1, bDims[0] + 1, bDims[1]).slice(0, 1, bDims[0] + 1);
                        results[r++] = a.matmul(b, ta, tb).toDoubleArray();
                    }
                    String what = m + "x" + n + " transposeA=" + ta + " transposeB=" + tb;
                    assertNull(Tolerance.of(MatMulOp.class, DType.F32).mismatches(what, results[0], results[1]));
                }
            }
        }
    }
}
