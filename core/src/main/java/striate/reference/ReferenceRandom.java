package striate.reference;

import striate.op.RandomDraw;
import striate.tensor.Tensor;

/** The reference uniform and normal draws: element i is the op's counter-based value for i, whatever the backend. */
final class ReferenceRandom {
    private ReferenceRandom() {
    }

    static void draw(RandomDraw op, Tensor[] in, Tensor out) {
        double[] v = new double[Math.toIntExact(out.size())];
        long seed = op.streamed() ? op.seedAt(in[0].item()) : op.seed();
        for (int i = 0; i < v.length; i++) {
            v[i] = op.valueAt(seed, i);
        }
        out.copyFrom(v);
    }
}
