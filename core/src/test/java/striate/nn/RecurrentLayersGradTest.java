package striate.nn;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import striate.autograd.GradCheck;
import striate.nn.RNNBase.Options;
import striate.nn.RNNBase.State;
import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * Whole recurrent layers against central differences, in float64 on the reference backend: two layers,
 * bidirectional, a padded batch with lengths (one sequence of a single step; batch-first cases where no sequence
 * fills the padding) and given initial states; the gradient
 * of every parameter, of the input and of the initial states, through the output and the final states. The layer's
 * own forward code runs, on float64 copies of its parameters.
 */
class RecurrentLayersGradTest {
    private static final Device REF = Device.reference();
    private static final long SEQ = 4;
    private static final long N = 3;
    private static final long IN = 3;
    private static final long HIDDEN = 2;
    private static final int[] LENGTHS = {4, 1, 3};
    private static final int[] SHORTER = {3, 1, 2}; // the 4th step is nobody's: not computed, zero output

    private static Tensor f64(Tensor t) {
        return Tensor.of(REF, DType.F64, t.toDoubleArray(), t.shape().dims());
    }

    /** Checks output, h_n (and c_n) of {@code layer} with respect to x, h0 (c0) and every parameter. */
    private static void check(RNNBase layer, int[] lengths) {
        check(layer, lengths, true);
    }

    /**
     * As {@link #check(RNNBase, int[])}; without {@code givenState}, from the zero initial state (null), whose first
     * step has no hidden product.
     */
    private static void check(RNNBase layer, int[] lengths, boolean givenState) {
        boolean cell = layer.hasCell();
        long rows = (long) layer.options().numLayers() * layer.options().directions();
        long[] xDims = layer.options().batchFirst() ? new long[] {N, SEQ, IN} : new long[] {SEQ, N, IN};
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(GradCheck.uniform(REF, 1, -1, 1, xDims));
        if (givenState) {
            inputs.add(GradCheck.uniform(REF, 2, -0.8, 0.8, rows, N, HIDDEN));
            if (cell) {
                inputs.add(GradCheck.uniform(REF, 3, -0.8, 0.8, rows, N, HIDDEN));
            }
        }
        int firstWeight = inputs.size();
        layer.parameters().forEach(p -> inputs.add(f64(p.value())));
        GradCheck.Result r = GradCheck.standard().check(v -> {
            State state = givenState ? new State(v[1], cell ? v[2] : null) : null;
            List<Tensor> weights = Arrays.asList(v).subList(firstWeight, v.length);
            RNNBase.Output out = layer.run(v[0], state, lengths, weights);
            Tensor h = out.state().h().reshape(-1);
            Tensor all = Tensor.cat(0, out.output().reshape(-1), h);
            return cell ? Tensor.cat(0, all, out.state().c().reshape(-1)) : all;
        }, inputs.toArray(Tensor[]::new));
        assertTrue(r.passed(), layer + ": " + r);
        long elements = inputs.stream().mapToLong(Tensor::size).sum();
        assertTrue(r.checked() > 0.9 * elements, layer + ": most elements are checked, not skipped as kinks: " + r);
    }

    private static final Options TWO_BIDIRECTIONAL = Options.defaults().numLayers(2).bidirectional(true);

    @Test
    void lstmMatchesFiniteDifferences() {
        check(new LSTM(IN, HIDDEN, TWO_BIDIRECTIONAL, new Rng(1)), LENGTHS);
    }

    @Test
    void gruMatchesFiniteDifferences() {
        check(new GRU(IN, HIDDEN, TWO_BIDIRECTIONAL, new Rng(2)), LENGTHS);
    }

    @Test
    void tanhRnnMatchesFiniteDifferences() {
        check(new RNN(IN, HIDDEN, RNN.Nonlinearity.TANH, TWO_BIDIRECTIONAL, new Rng(3)), LENGTHS);
    }

    @Test
    void reluRnnBatchFirstWithoutBiasShorterThanThePaddingMatchesFiniteDifferences() {
        check(new RNN(IN, HIDDEN, RNN.Nonlinearity.RELU, TWO_BIDIRECTIONAL.batchFirst(true).bias(false), new Rng(4)),
                SHORTER);
    }

    @Test
    void fromTheZeroStateEachLayerMatchesFiniteDifferences() {
        check(new LSTM(IN, HIDDEN, TWO_BIDIRECTIONAL, new Rng(6)), LENGTHS, false);
        check(new GRU(IN, HIDDEN, TWO_BIDIRECTIONAL, new Rng(7)), LENGTHS, false);
        check(new GRU(IN, HIDDEN, TWO_BIDIRECTIONAL.bias(false), new Rng(8)), SHORTER, false);
        check(new RNN(IN, HIDDEN, RNN.Nonlinearity.TANH, TWO_BIDIRECTIONAL, new Rng(9)), null, false);
    }

    @Test
    void gruWithoutBiasBatchFirstShorterThanThePaddingMatchesFiniteDifferences() {
        check(new GRU(IN, HIDDEN, TWO_BIDIRECTIONAL.batchFirst(true).bias(false), new Rng(5)), SHORTER);
    }
}
