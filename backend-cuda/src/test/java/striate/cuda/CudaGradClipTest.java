package striate.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import striate.backend.Traffic;
import striate.nn.Parameter;
import striate.op.ReduceOp;
import striate.optim.GradClip;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.Tolerance;

/**
 * clipGradNorm on CUDA: the gradients' norm is reduced on the GPU and only the one float32 total comes back to the
 * host; the norm and the clipped gradients match the CPU's.
 */
@Tag("gpu")
class CudaGradClipTest {
    private static List<Parameter> params(Device d) {
        List<Parameter> ps = new ArrayList<>();
        long[][] shapes = {{512, 300}, {512}, {33, 7, 5}};
        for (int i = 0; i < shapes.length; i++) {
            Parameter p = new Parameter(Tensor.zeros(d, DType.F32, shapes[i]));
            p.value().setGrad(Fixtures.uniform(d, 40 + i, -1, 1, shapes[i]));
            ps.add(p);
        }
        return ps;
    }

    @Test
    void reducesOnTheGpuAndReadsOneScalar() {
        CudaBackend gpu = Gpu.backend();
        List<Parameter> cuda = params(Device.cuda(0));
        Traffic before = gpu.traffic();
        double norm = GradClip.clipGradNorm(cuda, 1.0);
        assertEquals(new Traffic(0, 4, 0), gpu.traffic().minus(before), "one float32 norm read back, nothing else");

        List<Parameter> cpu = params(Device.cpu());
        assertEquals(GradClip.clipGradNorm(cpu, 1.0), norm, 1e-4 * norm);
        Tolerance t = Tolerance.of(ReduceOp.class, DType.F32);
        for (int i = 0; i < cpu.size(); i++) {
            assertNull(t.mismatches("clipped gradient " + i, cpu.get(i).grad().toDoubleArray(),
                    cuda.get(i).grad().toDoubleArray()));
        }
    }
}
