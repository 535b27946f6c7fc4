package striate.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import striate.backend.Backends;
import striate.backend.Traffic;
import striate.nn.Parameter;
import striate.optim.GradClip;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Tensor;
import striate.testing.Fixtures;
import striate.testing.Tolerance;

/**
 * clipGradNorm on the CPU backend: the norm and the clipped gradients match the reference backend's, and no copy runs
 * (the CPU's memory is host memory: the norm is read in place).
 */
class CpuGradClipTest {
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
    void matchesTheReferenceWithoutACopy() {
        List<Parameter> cpu = params(Device.cpu());
        Traffic before = Backends.of(Device.cpu()).traffic();
        double norm = GradClip.clipGradNorm(cpu, 1.0);
        assertEquals(Traffic.NONE, Backends.of(Device.cpu()).traffic().minus(before));

        List<Parameter> ref = params(Device.reference());
        assertEquals(GradClip.clipGradNorm(ref, 1.0), norm, 1e-4 * norm);
        Tolerance t = Tolerance.of(striate.op.ReduceOp.class, DType.F32);
        for (int i = 0; i < cpu.size(); i++) {
            assertNull(t.mismatches("clipped gradient " + i, ref.get(i).grad().toDoubleArray(),
                    cpu.get(i).grad().toDoubleArray()));
        }
    }
}
