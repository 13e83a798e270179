// Batch normalization in training on oneDNN, for the kernels of main/engine/backend/
// batch-norm-kernels.ts: the batch statistics and the affine output in one primitive, the input,
// scale and shift gradients in another; an optional ReLU after it is one loop each way. Activations stay NHWC on the
// wasm heap; scale and shift are per channel.
#include <algorithm>
#include <cstdint>
#include <string>

#include "kernels.h"
#include "runtime.h"

namespace flatline {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;
using namespace batchnorm;

namespace {

const dnnl::normalization_flags kFlags = dnnl::normalization_flags::use_scale | dnnl::normalization_flags::use_shift;

struct Forward {
  dnnl::batch_normalization_forward::primitive_desc pd;
  dnnl::batch_normalization_forward primitive;
};

struct Backward {
  dnnl::batch_normalization_backward::primitive_desc pd;
  dnnl::batch_normalization_backward primitive;
};

dnnl::primitive_attr userScratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

dnnl::batch_normalization_forward::primitive_desc forwardDesc(const memory::desc &data, float epsilon) {
  dnnl::batch_normalization_forward::desc desc(dnnl::prop_kind::forward_training, data, epsilon, kFlags);
  return dnnl::batch_normalization_forward::primitive_desc(desc, userScratchpad(), cpuEngine());
}

memory::desc dataDesc(const CallArgs &a) {
  return memory::desc({a.i(N), a.i(C), a.i(H), a.i(W)}, dt::f32, tag::nhwc);
}

int64_t elements(const CallArgs &a) { return a.i(N) * a.i(H) * a.i(W) * a.i(C); }

}  // namespace

void batchNormForward(const CallArgs &a) {
  static PrimitiveCache<Forward> cache;
  memory::desc data = dataDesc(a);
  int64_t count = elements(a), c = a.i(C);
  // Memory-bound: one pass per element, so the element count is the work.
  int used = threadsFor(static_cast<double>(count));
  Forward &e = cache.get(a.key('b', GEOMETRY_COUNT) + std::to_string(used), [&] {
    auto pd = forwardDesc(data, a.f(EPSILON));
    return Forward{pd, dnnl::batch_normalization_forward(pd)};
  });
  auto &engine = cpuEngine();
  auto &stream = cpuStream();
  memory::desc channel({c}, dt::f32, tag::a);
  e.primitive.execute(stream, {{DNNL_ARG_SRC, memory(data, engine, a.tensor(X, count))},
                               {DNNL_ARG_SCALE, memory(channel, engine, a.tensor(SCALE, c))},
                               {DNNL_ARG_SHIFT, memory(channel, engine, a.tensor(SHIFT, c))},
                               {DNNL_ARG_DST, memory(data, engine, a.tensor(Y, count))},
                               {DNNL_ARG_MEAN, memory(e.pd.mean_desc(), engine, a.tensor(MEAN, c))},
                               {DNNL_ARG_VARIANCE, memory(e.pd.variance_desc(), engine, a.tensor(VARIANCE, c))},
                               {DNNL_ARG_SCRATCHPAD, memory(e.pd.scratchpad_desc(), engine,
                                                            temp(kScratchpad, e.pd.scratchpad_desc().get_size()))}});
  stream.wait();
  if (a.i(RELU) != 0) {
    float *y = a.tensor(Y, count);
    // Branch-free (max), so it vectorises.
    for (int64_t i = 0; i < count; i++) y[i] = std::max(y[i], 0.f);
  }
}

void batchNormBackward(const CallArgs &a) {
  static PrimitiveCache<Backward> cache;
  memory::desc data = dataDesc(a);
  int64_t count = elements(a), c = a.i(C);
  int used = threadsFor(static_cast<double>(count));
  Backward &e = cache.get(a.key('c', GEOMETRY_COUNT) + std::to_string(used), [&] {
    auto hint = forwardDesc(data, a.f(EPSILON));
    dnnl::batch_normalization_backward::desc desc(dnnl::prop_kind::backward, data, data, a.f(EPSILON), kFlags);
    dnnl::batch_normalization_backward::primitive_desc pd(desc, userScratchpad(), cpuEngine(), hint);
    return Backward{pd, dnnl::batch_normalization_backward(pd)};
  });
  auto &engine = cpuEngine();
  auto &stream = cpuStream();
  memory::desc channel({c}, dt::f32, tag::a);
  // Through the ReLU first: dy where the forward output was positive, else 0.
  float *dy = a.tensor(Y, count);
  if (a.i(RELU) != 0) {
    const float *out = a.tensor(OUT, count);
    float *masked = static_cast<float *>(temp(kDst, static_cast<size_t>(count) * 4));
    reluGradient(out, dy, masked, count);
    dy = masked;
  }
  // The shift does not enter any gradient, but oneDNN wants it bound: any values do.
  float *placeholder = static_cast<float *>(temp(kWeights2, static_cast<size_t>(c) * 4));
  std::fill(placeholder, placeholder + c, 0.f);
  e.primitive.execute(
      stream, {{DNNL_ARG_SRC, memory(data, engine, a.tensor(X, count))},
               {DNNL_ARG_SCALE, memory(channel, engine, a.tensor(SCALE, c))},
               {DNNL_ARG_SHIFT, memory(channel, engine, placeholder)},
               {DNNL_ARG_MEAN, memory(e.pd.mean_desc(), engine, a.tensor(MEAN, c))},
               {DNNL_ARG_VARIANCE, memory(e.pd.variance_desc(), engine, a.tensor(VARIANCE, c))},
               {DNNL_ARG_DIFF_DST, memory(data, engine, dy)},
               {DNNL_ARG_DIFF_SRC, memory(data, engine, a.tensor(DX, count))},
               {DNNL_ARG_DIFF_SCALE, memory(channel, engine, a.tensor(DSCALE, c))},
               {DNNL_ARG_DIFF_SHIFT, memory(channel, engine, a.tensor(DSHIFT, c))},
               {DNNL_ARG_SCRATCHPAD, memory(e.pd.scratchpad_desc(), engine,
                                            temp(kScratchpad, e.pd.scratchpad_desc().get_size()))}});
  stream.wait();
}

}  // namespace flatline
