// Embedding lookup and its weight gradient (PyTorch's embedding and embedding_dense_backward), float32 rows, int32 ids.
// Forward: one thread per element of y [positions, d] over a grid-stride loop, y[p, j] = w[ids[p], j].
// Backward, deterministic without float atomics: one block per output row r (grid-stride over rows); each warp takes 32
// columns at a time and scans the ids 32 per step with a ballot, adding the dy rows of the positions with id r in
// position order, so every element of dweight is one thread's sum in one fixed order. Rows no id names and the
// padding row (padding < 0: none) are zero. Blocks are EMBEDDING_THREADS threads, a multiple of the warp size.
// An id outside [0, v) records the smallest such position in *bad (an int atomicMin: the same position in any order);
// the host turns it into an error naming it.
#include "striate.cuh"

#define EMBEDDING_THREADS 256

extern "C" __global__ void embedding_forward_f32(long long positions, long long d, int v, const float *w,
                                                 const int *ids, float *y, int *bad) {
    FOR_EACH(e, positions * d) {
        long long p = e / d;
        int id = ids[p];
        if (id < 0 || id >= v) {
            atomicMin(bad, (int) p);
            y[e] = NAN;
        } else {
            y[e] = w[(long long) id * d + e % d];
        }
    }
}

extern "C" __global__ void embedding_backward_f32(int positions, int d, int v, int padding, const float *dy,
                                                  const int *ids, float *dw, int *bad) {
    if (blockIdx.x == 0) {
        for (int p = threadIdx.x; p < positions; p += blockDim.x) {
            int id = ids[p];
            if (id < 0 || id >= v) {
                atomicMin(bad, p);
            }
        }
    }
    int lane = threadIdx.x % 32;
    int warp = threadIdx.x / 32;
    int warps = blockDim.x / 32;
    for (int r = blockIdx.x; r < v; r += gridDim.x) {
        for (int j0 = warp * 32; j0 < d; j0 += warps * 32) { // the same j0 on every lane of a warp
            int j = j0 + lane;
            float sum = 0.0f;
            if (r != padding) {
                for (int base = 0; base < positions; base += 32) {
                    int p = base + lane;
                    unsigned match = __ballot_sync(0xffffffffu, p < positions && ids[p] == r);
                    while (match != 0) {
                        int k = __ffs(match) - 1; // the earliest matching position first
                        match &= match - 1;
                        if (j < d) {
                            sum += dy[(long long) (base + k) * d + j];
                        }
                    }
                }
            }
            if (j < d) {
                dw[(long long) r * d + j] = sum;
            }
        }
    }
}
