// The SGD-momentum update over every weight in one call (main/engine/backend/sgd-momentum-kernel.ts
// is the reference): d = g + λ·w; buf = μ·buf + d; w = w − η·buf, each step rounded to float32
// as the op-by-op form rounds (the addon is built with -ffp-contract=off, so no fused multiply-add
// changes a rounding), so the result is bit for bit the JavaScript kernel's.
#include "kernels.h"
#include "runtime.h"

namespace flatline {

using namespace sgd;

namespace {

void update(const float *w, const float *g, const float *b, float *nw, float *nb, int64_t begin, int64_t end,
            float mu, float eta, float lambda) {
  for (int64_t k = begin; k < end; k++) {
    float d = lambda > 0 ? g[k] + w[k] * lambda : g[k];
    float next = b[k] * mu + d;
    nb[k] = next;
    nw[k] = w[k] - next * eta;
  }
}

}  // namespace

void sgdMomentum(const CallArgs &a) {
  int64_t count = a.i(COUNT);
  float mu = a.f(MOMENTUM), eta = a.f(LR), lambda = a.f(WEIGHT_DECAY);
  for (int64_t i = 0; i < count; i++) {
    size_t base = FIRST_WEIGHT + static_cast<size_t>(i) * PER_WEIGHT;
    int64_t n = a.i(base + LENGTH);
    const float *w = a.tensor(base + W, n);
    const float *g = a.tensor(base + G, n);
    const float *b = a.tensor(base + B, n);
    float *nw = a.tensor(base + NEW_W, n);
    float *nb = a.tensor(base + NEW_B, n);
    // Memory-bound: one pass, split between the threads only when the tensor is large.
    int parts = threadsFor(static_cast<double>(n));
    if (parts == 1) {
      update(w, g, b, nw, nb, 0, n, mu, eta, lambda);
      continue;
    }
#if DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_OMP
#pragma omp parallel for num_threads(parts) schedule(static, 1)
#endif
    for (int part = 0; part < parts; part++) {
      update(w, g, b, nw, nb, n * part / parts, n * (part + 1) / parts, mu, eta, lambda);
    }
  }
}

}  // namespace flatline
