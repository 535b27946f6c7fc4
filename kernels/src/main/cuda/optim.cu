// Fused optimizer updates in place on contiguous float32 buffers, PyTorch's semantics (the formulas
// are on striate.op.SgdUpdateOp and AdamUpdateOp); per-element arithmetic in double, as the reference.
// skip: null, or a guarded update's flag on the device; when it is not 0 the update changes nothing (a loss
// scaler's skipped step, decided on the device, so a replayed graph follows it; PyTorch's found_inf).
#include "striate.cuh"

extern "C" __global__ void sgd_update_f32(long long n, float *param, const float *grad, float *velocity,
                                          double lr, double momentum, double dampening, int nesterov,
                                          double weight_decay, const float *skip) {
    if (skip != nullptr && skip[0] != 0.0f) {
        return;
    }
    FOR_EACH(i, n) {
        double p = param[i];
        double g = grad[i] + weight_decay * p;
        if (momentum != 0.0) {
            double v = momentum * velocity[i] + (1.0 - dampening) * g;
            velocity[i] = (float) v;
            g = nesterov ? g + momentum * v : v;
        }
        param[i] = (float) (p - lr * g);
    }
}

// c1 = 1 − β1^step, c2 = 1 − β2^step (bias corrections, computed here from the step count on the device)
extern "C" __global__ void adam_update_f32(long long n, float *param, const float *grad, float *m, float *v,
                                           double lr, double beta1, double beta2, double eps,
                                           double weight_decay, int decoupled, const float *step,
                                           const float *skip) {
    if (skip != nullptr && skip[0] != 0.0f) {
        return;
    }
    double t = step[0]; // the step count, from 1, kept on the device so a replayed graph reads the current one
    double c1 = 1.0 - pow(beta1, t);
    double c2 = 1.0 - pow(beta2, t);
    FOR_EACH(i, n) {
        double p = param[i];
        double g = grad[i];
        if (decoupled) {
            p *= 1.0 - lr * weight_decay;
        } else {
            g += weight_decay * p;
        }
        double mi = beta1 * m[i] + (1.0 - beta1) * g;
        double vi = beta2 * v[i] + (1.0 - beta2) * g * g;
        m[i] = (float) mi;
        v[i] = (float) vi;
        param[i] = (float) (p - lr * (mi / c1) / (sqrt(vi / c2) + eps));
    }
}
