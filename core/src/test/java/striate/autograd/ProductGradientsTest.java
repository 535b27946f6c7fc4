package striate.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import striate.backend.KernelTrace;
import striate.tensor.Device;
import striate.tensor.Tensor;

/**
 * The gradient of a matrix that several products read as their right operand: one product over the concatenated
 * left operands and output gradients, right (central differences) with either transpose of the matrix, with other
 * readers beside the products, and through a recurrence where each product's left operand comes from the last.
 */
class ProductGradientsTest {
    private static final Device REF = Device.reference();

    private static Tensor u(long seed, long... dims) {
        return GradCheck.uniform(REF, seed, -1, 1, dims);
    }

    /** Checks f's gradients numerically and returns the op names its backward pass ran. */
    private static List<String> check(Function<Tensor[], Tensor> f, Tensor... x0) {
        GradCheck.Result r = GradCheck.standard().check(f, x0);
        assertTrue(r.passed(), r.toString());
        Tensor[] x = new Tensor[x0.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = x0[i].copy().requiresGrad(true);
        }
        Tensor loss = f.apply(x).sum();
        List<String> ops = new ArrayList<>();
        try (KernelTrace.Recorder rec = KernelTrace.record()) {
            loss.backward();
            rec.events().forEach(e -> ops.add(e.op()));
        }
        return ops;
    }

    private static long count(List<String> ops, String op) {
        return ops.stream().filter(o -> o.startsWith(op)).count();
    }

    @Test
    void aRecurrenceGetsItsWeightGradientFromOneProduct() {
        // h_t = tanh(x_t + h_{t-1}·wᵀ) over 5 steps, as a recurrent layer's hidden product
        Function<Tensor[], Tensor> rnn = v -> {
            Tensor h = v[1];
            Tensor[] out = new Tensor[5];
            for (int t = 0; t < 5; t++) {
                h = v[0].slice(0, t, t + 1).reshape(2, 3).add(h.matmul(v[2], false, true)).tanh();
                out[t] = h;
            }
            return Tensor.stack(0, out);
        };
        List<String> ops = check(rnn, u(1, 5, 2, 3), u(2, 2, 3), u(3, 3, 3).mul(0.5));
        // 5 products for the h gradients, 1 for w's: not 5 more, and no additions of w-shaped gradients
        assertEquals(6, count(ops, "MatMulOp"), ops.toString());
        assertEquals(3, count(ops, "CatOp"), "x's step slices, the left operands and the output gradients, each joined"
                + " once: " + ops);
    }

    @Test
    void bothTransposesOtherReadersAndATransposedLeftOperandAreRight() {
        Function<Tensor[], Tensor> f = v -> {
            Tensor w = v[2]; // [3, 3]
            Tensor y1 = v[0].matmul(w, false, true).tanh();       // a·wᵀ
            Tensor y2 = v[1].matmul(w, false, false).sigmoid();   // a·w
            Tensor y3 = v[0].matmul(w, false, true).square();     // a·wᵀ again, with y1's left operand
            Tensor y4 = v[1].matmul(w, true, false);              // aᵀ·w: keeps the ordinary rule
            return Tensor.cat(0, y1, y2, y3, y4.exp(), w.mul(w).tanh()); // and w read outside any product
        };
        List<String> ops = check(f, u(4, 3, 3), u(5, 3, 3), u(6, 3, 3));
        // 3 joinable products of w (two transposes: two joined products) and one aᵀ·w with both of its own
        assertEquals(3 + 2 + 2, count(ops, "MatMulOp"), ops.toString());
        assertEquals(2, count(ops, "CatOp"), "y1's and y3's left operands and output gradients: " + ops);
    }

    @Test
    void aSingleProductKeepsTheOrdinaryRule() {
        List<String> ops = check(v -> v[0].matmul(v[1]).tanh(), u(7, 4, 3), u(8, 3, 2));
        assertEquals(2, count(ops, "MatMulOp"), ops.toString());
        assertEquals(0, count(ops, "CatOp"), ops.toString());
    }
}
