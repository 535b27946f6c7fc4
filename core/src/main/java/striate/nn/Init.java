package striate.nn;

import striate.tensor.DType;
import striate.tensor.Device;
import striate.tensor.Rng;
import striate.tensor.Tensor;

/**
 * Weight initializers, each drawing from an explicit seeded {@link Rng}. Fan-in and fan-out follow PyTorch:
 * for a weight [out, in, kh, kw] (or [out, in]), fanIn = in·kh·kw and fanOut = out·kh·kw.
 * Xavier/Glorot: Glorot & Bengio (2010); He/Kaiming: He et al. (2015), gain √2 for ReLU.
 */
public final class Init {
    private Init() {
    }

    public static long fanIn(long... dims) {
        long receptive = 1;
        for (int i = 2; i < dims.length; i++) {
            receptive *= dims[i];
        }
        return dims.length < 2 ? dims[0] : dims[1] * receptive;
    }

    public static long fanOut(long... dims) {
        long receptive = 1;
        for (int i = 2; i < dims.length; i++) {
            receptive *= dims[i];
        }
        return dims[0] * receptive;
    }

    /** U(−bound, bound), float32, in host memory. */
    public static Tensor uniform(Rng rng, double bound, long... dims) {
        double[] v = new double[Math.toIntExact(striate.tensor.Shape.of(dims).size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (2 * rng.nextDouble() - 1) * bound;
        }
        return Tensor.of(Device.reference(), DType.F32, v, dims);
    }

    /** N(0, std²), float32, in host memory. */
    public static Tensor normal(Rng rng, double std, long... dims) {
        double[] v = new double[Math.toIntExact(striate.tensor.Shape.of(dims).size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = rng.nextGaussian() * std;
        }
        return Tensor.of(Device.reference(), DType.F32, v, dims);
    }

    /** Glorot uniform: U(±√(6 / (fanIn + fanOut))). */
    public static Tensor xavierUniform(Rng rng, long... dims) {
        return uniform(rng, Math.sqrt(6.0 / (fanIn(dims) + fanOut(dims))), dims);
    }

    /** Glorot normal: N(0, 2 / (fanIn + fanOut)). */
    public static Tensor xavierNormal(Rng rng, long... dims) {
        return normal(rng, Math.sqrt(2.0 / (fanIn(dims) + fanOut(dims))), dims);
    }

    /** He uniform for ReLU: U(±√(6 / fanIn)). */
    public static Tensor kaimingUniform(Rng rng, long... dims) {
        return uniform(rng, Math.sqrt(6.0 / fanIn(dims)), dims);
    }

    /** He normal for ReLU: N(0, 2 / fanIn). */
    public static Tensor kaimingNormal(Rng rng, long... dims) {
        return normal(rng, Math.sqrt(2.0 / fanIn(dims)), dims);
    }

    /** PyTorch's default for Linear and Conv2d weights and biases: U(±1/√fanIn). */
    public static Tensor lecunUniform(Rng rng, long fanIn, long... dims) {
        return uniform(rng, 1 / Math.sqrt(fanIn), dims);
    }

    public static Tensor zeros(long... dims) {
        return Tensor.zeros(Device.reference(), DType.F32, dims);
    }

    public static Tensor ones(long... dims) {
        return Tensor.ones(Device.reference(), DType.F32, dims);
    }
}
