package striate.nn;

import striate.op.GruLayerOp;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * Gated recurrent unit (Cho et al., 2014), PyTorch's GRU: per step, with xg = x·W_ihᵀ + b_ih and hg = h·W_hhᵀ + b_hh
 * [n, 3h] in the order r, z, n: r = σ(xg_r + hg_r), z = σ(xg_z + hg_z), n = tanh(xg_n + r·hg_n), h' = (1 − z)·n + z·h.
 * Shapes, parameters, options, states and variable lengths are {@link RNNBase}'s, with 3 gates. b_ih goes into the
 * input projection once for all steps; b_hh stays with each step's h·W_hhᵀ, since r scales its n part. Over
 * full-length sequences a direction is one fused op ({@link GruLayerOp}); over variable lengths each step's cell is
 * one fused op ({@link Functional#gruCell}).
 */
public final class GRU extends RNNBase {
    /** One layer, one direction, PyTorch's defaults otherwise. */
    public GRU(long inputSize, long hiddenSize, Rng rng) {
        this(inputSize, hiddenSize, Options.defaults(), rng);
    }

    public GRU(long inputSize, long hiddenSize, Options options, Rng rng) {
        super(3, inputSize, hiddenSize, options, rng);
    }

    @Override
    Tensor projectionBias(Weights w) {
        return w.bih(); // [3h] or null
    }

    /** The whole direction as one {@link GruLayerOp}: [T·n·7h] holding H and what the backward reads. */
    @Override
    Walk layer(Tensor flat, Weights w, Carry s, boolean reverse, long n) {
        Tensor xg = flat.matmul(w.wih(), false, true); // [T·n, 3h], every step in one GEMM
        long h = hiddenSize();
        Tensor zero = w.bih() == null ? Tensor.zeros(xg.device(), xg.dtype(), 3 * h) : null;
        Tensor y = Tensor.apply(new GruLayerOp(reverse, s.zero()), xg, w.whh(), zero == null ? w.bih() : zero,
                zero == null ? w.bhh() : zero, s.h());
        return fusedWalk(y, xg.dim(0) / n, n, h, reverse, false);
    }

    @Override
    Carry step(Tensor xg, Carry s, Weights w) {
        Tensor hg = s.hidden(w); // [n, 3h]
        if (hg == null) { // the zero state: b_hh alone
            hg = w.bhh() == null ? Tensor.zeros(xg.device(), xg.dtype(), xg.shape().dims())
                    : w.bhh().reshape(1, xg.dim(1)).expand(xg.shape());
        } else if (w.bhh() != null) {
            hg = hg.add(w.bhh());
        }
        return new Carry(Functional.gruCell(xg, hg, s.h()), null);
    }

    @Override
    boolean hasCell() {
        return false;
    }
}
