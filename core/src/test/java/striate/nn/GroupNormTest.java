package striate.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static striate.nn.ActivationLossFixtures.REF;
import static striate.nn.ActivationLossFixtures.assertClose;

import org.junit.jupiter.api.Test;
import striate.autograd.GradCheck;
import striate.tensor.DType;
import striate.tensor.Tensor;

/**
 * GroupNorm against PyTorch 1.13's (torch.nn.GroupNorm(2, 4) in float64 on the same input [1, 4, 2, 2], printed to 17
 * digits): output and the gradients of the input, weight and bias; a numerical gradient check; bad arguments named.
 */
class GroupNormTest {
    @Test
    void matchesPyTorch() {
        GroupNorm gn = new GroupNorm(2, 4);
        gn.to(DType.F64);
        gn.namedParameters().get("weight").set(Tensor.of(REF, DType.F64, new double[] {1.5, -0.5, 2.0, 0.75}, 4));
        gn.namedParameters().get("bias").set(Tensor.of(REF, DType.F64, new double[] {0.25, 0.5, -0.25, 1.0}, 4));
        Tensor x = Tensor.of(REF, DType.F64, new double[] {0.5, -1.0, 2.0, 3.0, 0.0, -0.5, 1.0, 1.0, 1.0, -2.0, 4.0,
                0.25, 0.7, -0.3, 1.9, -2.2}, 1, 4, 2, 2).requiresGrad(true);
        double[] dy = new double[16];
        for (int i = 0; i < 16; i++) {
            dy[i] = i * 0.1 - 0.7;
        }
        Tensor y = gn.forward(x);
        y.backward(Tensor.of(REF, DType.F64, dy, 1, 4, 2, 2));
        assertClose(new double[] {-0.05618519723227411, -1.893296380625919, 1.7809259861613709, 3.0056667750904675,
                0.8061851972322742, 1.0103086620537902, 0.397938267589242, 0.397938267589242, 0.36386721666454347,
                -2.80447970805568, 3.532214141384767, -0.42821951451551243, 1.1113871965721953, 0.7153438309821675,
                1.586639235280229, -0.03713856363888573}, y.toDoubleArray(), 1e-12, "y");
        assertClose(new double[] {-0.5626152233685147, -0.5090323545781328, -0.24877585548016773,
                -0.08037430318557293, 0.39421367107391997, 0.3304252414087742, 0.3584917585469986, 0.3176670655826954,
                -0.15673176934354793, -0.042785833638059184, 0.04615698742298563, 0.16218651601551148,
                -0.06348821355105994, -0.021105753142674544, 0.012386710947686452, 0.06338135528915806},
                x.grad().toDoubleArray(), 1e-12, "dx");
        assertClose(new double[] {-0.24494815778581927, 0.367422236678729, 0.30693360833227173, -0.7122179857860668},
                gn.namedParameters().get("weight").value().grad().toDoubleArray(), 1e-12, "dweight");
        assertClose(new double[] {-2.2, -0.6, 1.0, 2.6},
                gn.namedParameters().get("bias").value().grad().toDoubleArray(), 1e-12, "dbias");
        assertEquals("GroupNorm(2, 4, eps=1.0E-5, affine=true)", new GroupNorm(2, 4).toString());
    }

    @Test
    void gradientsCheckNumericallyAndBadArgumentsAreNamed() {
        GroupNorm gn = new GroupNorm(3, 6, 1e-3, false);
        GradCheck.Result r = GradCheck.standard().check(a -> gn.forward(a[0]),
                ActivationLossFixtures.uniform(5, -2, 2, 2, 6, 3));
        assertTrue(r.passed(), r.toString());
        assertArrayEquals(new long[] {0, 6, 3}, gn.forward(Tensor.zeros(REF, DType.F64, 0, 6, 3)).shape().dims(),
                "an empty batch, as PyTorch's");
        assertThrows(IllegalArgumentException.class, () -> new GroupNorm(4, 6));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> gn.forward(Tensor.zeros(REF, DType.F64, 2, 5, 3)));
        assertTrue(e.getMessage().contains("[n, 6, ...]"), e.getMessage());
    }
}
