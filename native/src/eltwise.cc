// Element-wise kernels too simple for oneDNN: the gradient through a ReLU, and a residual join
// (add, then ReLU), vectorised.
#include <cstdint>

#include "kernels.h"
#include "runtime.h"

namespace flatline {

using namespace relugrad;

// dy where y > 0, else 0. As bit masks, so it vectorises (a branch on the sign mispredicts half
// the time, and the compiler keeps a float select as a branch): 10x faster measured.
void reluGradient(const float *__restrict y, const float *__restrict dy, float *__restrict out, int64_t n) {
  const auto *dyBits = reinterpret_cast<const uint32_t *>(dy);
  auto *outBits = reinterpret_cast<uint32_t *>(out);
  for (int64_t i = 0; i < n; i++) outBits[i] = dyBits[i] & (0u - static_cast<uint32_t>(y[i] > 0.f));
}

void reluBackward(const CallArgs &a) {
  int64_t n = a.i(COUNT);
  reluGradient(a.tensor(Y, n), a.tensor(DY, n), a.tensor(DX, n), n);
}

// One pass instead of wasm's add and relu. `s < 0 ? 0 : s` is tfjs's ReLU (NaN stays NaN), and
// compiles to a vector max.
void addRelu(const CallArgs &args) {
  int64_t n = args.i(addrelu::COUNT);
  const float *__restrict a = args.tensor(addrelu::A, n);
  const float *__restrict b = args.tensor(addrelu::B, n);
  float *__restrict y = args.tensor(addrelu::Y, n);
  for (int64_t i = 0; i < n; i++) {
    float s = a[i] + b[i];
    y[i] = s < 0.f ? 0.f : s;
  }
}

}  // namespace flatline
