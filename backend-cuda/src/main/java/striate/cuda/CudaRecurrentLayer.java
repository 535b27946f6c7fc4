package striate.cuda;

import static striate.cuda.CudaBackend.contiguous;
import static striate.cuda.CudaBackend.of;
import static striate.cuda.CudaBackend.pointer;

import java.lang.ref.Reference;
import jcuda.driver.CUdeviceptr;
import striate.op.GruLayerBackwardOp;
import striate.op.GruLayerOp;
import striate.op.LstmLayerBackwardOp;
import striate.op.LstmLayerOp;
import striate.tensor.Tensor;

/**
 * The fused LSTM and GRU layers over whole sequences, forward and backpropagation through time (formulas and layouts
 * on {@link LstmLayerOp}, {@link LstmLayerBackwardOp}, {@link GruLayerOp}, {@link GruLayerBackwardOp}): the host walks
 * the steps; each step is one cuBLAS product on the ops' own memory (h·W_hhᵀ straight into the step's gates, or the
 * gates' gradient times W_hh into the running state gradient, which lives in the output's dh0 and dc0 places until the
 * end) and one launch of the step's cell (kernels/src/main/cuda/recurrent.cu) over [n, h], all on the backend's
 * stream. Strided inputs are made dense on the device first. cuDNN's RNN API, which runs a whole layer in one call
 * with persistent kernels for small batches, has not been tried: these kernels have not yet run on a GPU.
 */
final class CudaRecurrentLayer {
    private CudaRecurrentLayer() {
    }

    /** The address {@code floats} float32 elements past {@code p}. */
    private static CUdeviceptr at(CUdeviceptr p, long floats) {
        return floats == 0 ? p : p.withByteOffset(floats * 4);
    }

    /**
     * The inputs made dense, checked to be float32. The caller holds the array until its last launch has queued
     * ({@link Reference#reachabilityFence}): the steps use raw addresses, and a dense copy nothing else refers to could
     * otherwise be collected and its block handed to the next copy while the steps still read it.
     */
    private static Tensor[] dense(String op, Tensor[] in) {
        Tensor[] out = new Tensor[in.length];
        for (int i = 0; i < in.length; i++) {
            CudaElementwise.requireF32(op, in[i]);
            out[i] = contiguous(in[i]);
        }
        return out;
    }

    static void lstm(LstmLayerOp op, Tensor[] in, Tensor out) {
        Tensor[] dense = dense(op.name(), in);
        Tensor xg = dense[0];
        CUdeviceptr whh = pointer(dense[1]);
        CUdeviceptr bias = pointer(dense[2]);
        CUdeviceptr h0 = pointer(dense[3]);
        CUdeviceptr c0 = pointer(dense[4]);
        CudaDevice gpu = of(out).gpu();
        int n = Math.toIntExact(in[3].dim(0));
        int h = Math.toIntExact(in[3].dim(1));
        int steps = Math.toIntExact(in[0].dim(0) / n);
        long size = (long) steps * n * h;
        long nh = (long) n * h;
        CUdeviceptr y = pointer(out);
        for (int s = 0; s < steps; s++) {
            int t = LstmLayerOp.stepAt(s, steps, op.reverse());
            long before = (op.reverse() ? t + 1 : t - 1) * nh;
            boolean hidden = s > 0 || !op.zeroState();
            CUdeviceptr gates = at(y, 2 * size + t * nh * 4);
            if (hidden) { // the gates [n, 4h] = h_{t−1}·W_hhᵀ
                CublasGemm.rowMajor(gpu, false, true, n, 4 * h, h, s == 0 ? h0 : at(y, before), whh, gates, false);
            }
            gpu.launch(Symbols.LSTM_LAYER_STEP, nh, new LaunchArgs().i64(n).i64(h).i32(hidden ? 1 : 0)
                    .ptr(at(pointer(xg), t * nh * 4)).ptr(bias).ptr(s == 0 ? c0 : at(y, size + before)).ptr(gates)
                    .ptr(at(y, t * nh)).ptr(at(y, size + t * nh)));
        }
        Reference.reachabilityFence(dense);
    }

    static void lstmBackward(LstmLayerBackwardOp op, Tensor[] in, Tensor out) {
        Tensor[] dense = dense(op.name(), in);
        CUdeviceptr dy = pointer(dense[0]);
        CUdeviceptr y = pointer(dense[1]);
        CUdeviceptr whh = pointer(dense[2]);
        CUdeviceptr c0 = pointer(dense[3]);
        CudaDevice gpu = of(out).gpu();
        int n = Math.toIntExact(in[3].dim(0));
        int h = Math.toIntExact(in[3].dim(1));
        long nh = (long) n * h;
        int steps = Math.toIntExact(in[1].dim(0) / (6 * nh));
        long size = steps * nh;
        CUdeviceptr o = pointer(out);
        CUdeviceptr recDh = at(o, 4 * size); // dh flowing back into the step before: dh0 at the end
        CUdeviceptr recDc = at(o, 4 * size + nh); // and dc: dc0 at the end
        gpu.fill32(recDh, 0, 2 * nh);
        for (int s = steps - 1; s >= 0; s--) {
            int t = LstmLayerOp.stepAt(s, steps, op.reverse());
            long before = (op.reverse() ? t + 1 : t - 1) * nh;
            CUdeviceptr dgates = at(o, t * nh * 4);
            gpu.launch(Symbols.LSTM_LAYER_STEP_BACKWARD, nh, new LaunchArgs().i64(n).i64(h).ptr(at(dy, t * nh))
                    .ptr(at(dy, size + t * nh)).ptr(recDh).ptr(recDc).ptr(at(y, 2 * size + t * nh * 4))
                    .ptr(at(y, size + t * nh)).ptr(s == 0 ? c0 : at(y, size + before)).ptr(dgates));
            if (s == 0 && op.zeroState()) {
                gpu.fill32(recDh, 0, 2 * nh);
            } else { // dh into the step before = dgates_t [n, 4h] · W_hh [4h, h]
                CublasGemm.rowMajor(gpu, false, false, n, h, 4 * h, dgates, whh, recDh, false);
            }
        }
        Reference.reachabilityFence(dense);
    }

    static void gru(GruLayerOp op, Tensor[] in, Tensor out) {
        Tensor[] dense = dense(op.name(), in);
        Tensor xg = dense[0];
        CUdeviceptr whh = pointer(dense[1]);
        CUdeviceptr bih = pointer(dense[2]);
        CUdeviceptr bhh = pointer(dense[3]);
        CUdeviceptr h0 = pointer(dense[4]);
        CudaDevice gpu = of(out).gpu();
        int n = Math.toIntExact(in[4].dim(0));
        int h = Math.toIntExact(in[4].dim(1));
        int steps = Math.toIntExact(in[0].dim(0) / n);
        long nh = (long) n * h;
        long size = steps * nh;
        CUdeviceptr y = pointer(out);
        for (int s = 0; s < steps; s++) {
            int t = LstmLayerOp.stepAt(s, steps, op.reverse());
            boolean hidden = s > 0 || !op.zeroState();
            CUdeviceptr hp = s == 0 ? h0 : at(y, (op.reverse() ? t + 1 : t - 1) * nh);
            CUdeviceptr hg = at(y, size + t * nh * 3);
            if (hidden) { // hg [n, 3h] = h_{t−1}·W_hhᵀ
                CublasGemm.rowMajor(gpu, false, true, n, 3 * h, h, hp, whh, hg, false);
            }
            gpu.launch(Symbols.GRU_LAYER_STEP, nh, new LaunchArgs().i64(n).i64(h).i32(hidden ? 1 : 0)
                    .ptr(at(pointer(xg), t * nh * 3)).ptr(bih).ptr(bhh).ptr(hp).ptr(hg).ptr(at(y, 4 * size + t * nh * 3))
                    .ptr(at(y, t * nh)));
        }
        Reference.reachabilityFence(dense);
    }

    static void gruBackward(GruLayerBackwardOp op, Tensor[] in, Tensor out) {
        Tensor[] dense = dense(op.name(), in);
        CUdeviceptr dy = pointer(dense[0]);
        CUdeviceptr y = pointer(dense[1]);
        CUdeviceptr whh = pointer(dense[2]);
        CUdeviceptr h0 = pointer(dense[3]);
        CudaDevice gpu = of(out).gpu();
        int n = Math.toIntExact(in[3].dim(0));
        int h = Math.toIntExact(in[3].dim(1));
        long nh = (long) n * h;
        int steps = Math.toIntExact(in[1].dim(0) / (7 * nh));
        long size = steps * nh;
        CUdeviceptr o = pointer(out);
        CUdeviceptr rec = at(o, 6 * size); // dh flowing back into the step before: dh0 at the end
        gpu.fill32(rec, 0, nh);
        for (int s = steps - 1; s >= 0; s--) {
            int t = LstmLayerOp.stepAt(s, steps, op.reverse());
            CUdeviceptr hp = s == 0 ? h0 : at(y, (op.reverse() ? t + 1 : t - 1) * nh);
            CUdeviceptr dhg = at(o, 3 * size + t * nh * 3);
            gpu.launch(Symbols.GRU_LAYER_STEP_BACKWARD, nh, new LaunchArgs().i64(n).i64(h).ptr(at(dy, t * nh)).ptr(rec)
                    .ptr(at(y, 4 * size + t * nh * 3)).ptr(at(y, size + t * nh * 3)).ptr(hp).ptr(at(o, t * nh * 3))
                    .ptr(dhg));
            if (s == 0 && op.zeroState()) {
                gpu.fill32(rec, 0, nh);
            } else { // dh into the step before += dhg_t [n, 3h] · W_hh [3h, h]
                CublasGemm.rowMajor(gpu, false, false, n, h, 3 * h, dhg, whh, rec, true);
            }
        }
        Reference.reachabilityFence(dense);
    }
}
