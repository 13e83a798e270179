// Convolution forward, backward-data and backward-weights on oneDNN.
//
// Activations stay in tfjs's NHWC layout, read and written in place on the wasm heap. Weights go
// through a reorder into whatever blocked layout oneDNN's kernel prefers (the "any" format): they
// are small next to the activations, and the plain layout would rule out the fast kernels.
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels.h"
#include "runtime.h"

namespace flatline {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;
using namespace conv;

namespace {

struct Geometry {
  memory::desc src, dst, userWeights, anyWeights, bias;
  memory::dims strides, dilates, padL, padR;
  int64_t srcElems, dstElems, weightElems, biasElems;
  double work;  // multiply-adds
};

// The call's geometry; `batch` (when ≥ 0) replaces its batch size, for one thread's share.
Geometry geometry(const CallArgs &a, int64_t batch = -1) {
  int64_t n = batch >= 0 ? batch : a.i(N), h = a.i(H), w = a.i(W), c = a.i(C), oh = a.i(OH), ow = a.i(OW), oc = a.i(OC);
  int64_t kh = a.i(KH), kw = a.i(KW), g = a.i(GROUPS);
  if (g != 1 && !(g == c && c > 0 && oc % c == 0)) {
    throw std::invalid_argument("conv: groups must be 1 or the input channel count (depthwise)");
  }
  Geometry geo;
  geo.src = memory::desc({n, c, h, w}, dt::f32, tag::nhwc);
  geo.dst = memory::desc({n, oc, oh, ow}, dt::f32, tag::nhwc);
  if (g == 1) {
    geo.userWeights = memory::desc({oc, c, kh, kw}, dt::f32, tag::hwio);
    geo.anyWeights = memory::desc({oc, c, kh, kw}, dt::f32, tag::any);
  } else {
    // tfjs's depthwise [KH, KW, C, M] is hwigo with one input channel per group.
    geo.userWeights = memory::desc({g, oc / g, 1, kh, kw}, dt::f32, tag::hwigo);
    geo.anyWeights = memory::desc({g, oc / g, 1, kh, kw}, dt::f32, tag::any);
  }
  geo.bias = memory::desc({oc}, dt::f32, tag::a);
  geo.strides = {a.i(SH), a.i(SW)};
  geo.dilates = {a.i(DH) - 1, a.i(DW) - 1};
  geo.padL = {a.i(PAD_TOP), a.i(PAD_LEFT)};
  geo.padR = {exactPadRight(h, oh, kh, a.i(SH), a.i(DH), a.i(PAD_TOP)),
              exactPadRight(w, ow, kw, a.i(SW), a.i(DW), a.i(PAD_LEFT))};
  geo.srcElems = n * h * w * c;
  geo.dstElems = n * oh * ow * oc;
  geo.weightElems = kh * kw * (c / g) * oc;
  geo.biasElems = oc;
  geo.work = static_cast<double>(geo.dstElems) * kh * kw * (c / g);
  return geo;
}

std::string cacheKey(const CallArgs &a, char op, int threads) { return a.key(op, GEOMETRY_COUNT) + std::to_string(threads); }

dnnl::convolution_forward::primitive_desc forwardDesc(const Geometry &geo, bool withBias, const dnnl::primitive_attr &attr,
                                                      dnnl::prop_kind prop) {
  auto desc = withBias ? dnnl::convolution_forward::desc(prop, dnnl::algorithm::convolution_direct, geo.src,
                                                         geo.anyWeights, geo.bias, geo.dst, geo.strides, geo.dilates,
                                                         geo.padL, geo.padR)
                       : dnnl::convolution_forward::desc(prop, dnnl::algorithm::convolution_direct, geo.src,
                                                         geo.anyWeights, geo.dst, geo.strides, geo.dilates, geo.padL,
                                                         geo.padR);
  return dnnl::convolution_forward::primitive_desc(desc, attr, cpuEngine());
}

dnnl::primitive_attr userScratchpad() {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return attr;
}

// A reorder between the user's weights and the kernel's, or none when the layouts agree.
struct WeightsReorder {
  bool needed = false;
  dnnl::reorder primitive;
  memory::desc user, kernel;

  WeightsReorder() = default;
  WeightsReorder(const memory::desc &userDesc, const memory::desc &kernelDesc, bool toKernel)
      : needed(userDesc != kernelDesc), user(userDesc), kernel(kernelDesc) {
    if (!needed) return;
    primitive = toKernel ? dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), user, cpuEngine(), kernel))
                         : dnnl::reorder(dnnl::reorder::primitive_desc(cpuEngine(), kernel, cpuEngine(), user));
  }
};

struct Forward {
  dnnl::convolution_forward::primitive_desc pd;
  dnnl::convolution_forward primitive;
  WeightsReorder weights;
};

struct BackwardData {
  dnnl::convolution_backward_data::primitive_desc pd;
  dnnl::convolution_backward_data primitive;
  WeightsReorder weights;
};

struct BackwardWeights {
  dnnl::convolution_backward_weights::primitive_desc pd;
  dnnl::convolution_backward_weights primitive;
  WeightsReorder weights;
};

memory scratchpadOf(const memory::desc &desc) {
  return memory(desc, cpuEngine(), temp(kScratchpad, desc.get_size()));
}

// The user's weights `w` in the kernel's layout: as they are, or reordered into a temporary.
memory kernelWeights(const WeightsReorder &reorder, const memory::desc &kernelDesc, float *w) {
  auto &engine = cpuEngine();
  if (!reorder.needed) return memory(kernelDesc, engine, w);
  memory user(reorder.user, engine, w);
  memory kernel(reorder.kernel, engine, temp(kWeights, reorder.kernel.get_size()));
  reorder.primitive.execute(cpuStream(), user, kernel);
  return kernel;
}

}  // namespace

void convForward(const CallArgs &a) {
  static PrimitiveCache<Forward> cache;
  bool withBias = a.i(HAS_BIAS) != 0;
  Geometry geo = geometry(a);
  Forward &e = cache.get(cacheKey(a, 'f', threadsFor(geo.work)), [&] {
    auto pd = forwardDesc(geo, withBias, attrWithActivation(static_cast<int>(a.i(ACTIVATION)), a.f(ALPHA)),
                          dnnl::prop_kind::forward_inference);
    return Forward{pd, dnnl::convolution_forward(pd), WeightsReorder(geo.userWeights, pd.weights_desc(), true)};
  });
  float *x = a.tensor(SRC, geo.srcElems);
  float *w = a.tensor(WEIGHTS, geo.weightElems);
  float *y = a.tensor(DST, geo.dstElems);
  auto &engine = cpuEngine();
  auto &stream = cpuStream();
  memory weights = kernelWeights(e.weights, e.pd.weights_desc(), w);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, memory(geo.src, engine, x)},
                                       {DNNL_ARG_WEIGHTS, weights},
                                       {DNNL_ARG_DST, memory(geo.dst, engine, y)},
                                       {DNNL_ARG_SCRATCHPAD, scratchpadOf(e.pd.scratchpad_desc())}};
  if (withBias) args.emplace(DNNL_ARG_BIAS, memory(geo.bias, engine, a.tensor(BIAS, geo.biasElems)));
  e.primitive.execute(stream, args);
  stream.wait();
}

void convBackwardData(const CallArgs &a) {
  static PrimitiveCache<BackwardData> cache;
  Geometry geo = geometry(a);
  BackwardData &e = cache.get(cacheKey(a, 'd', threadsFor(geo.work)), [&] {
    auto hint = forwardDesc(geo, false, dnnl::primitive_attr(), dnnl::prop_kind::forward_training);
    dnnl::convolution_backward_data::desc desc(dnnl::algorithm::convolution_direct, geo.src, geo.anyWeights, geo.dst,
                                               geo.strides, geo.dilates, geo.padL, geo.padR);
    dnnl::convolution_backward_data::primitive_desc pd(desc, userScratchpad(), cpuEngine(), hint);
    return BackwardData{pd, dnnl::convolution_backward_data(pd),
                        WeightsReorder(geo.userWeights, pd.weights_desc(), true)};
  });
  float *dx = a.tensor(SRC, geo.srcElems);
  float *w = a.tensor(WEIGHTS, geo.weightElems);
  float *dy = a.tensor(DST, geo.dstElems);
  auto &engine = cpuEngine();
  auto &stream = cpuStream();
  memory weights = kernelWeights(e.weights, e.pd.weights_desc(), w);
  e.primitive.execute(stream, {{DNNL_ARG_DIFF_DST, memory(geo.dst, engine, dy)},
                               {DNNL_ARG_WEIGHTS, weights},
                               {DNNL_ARG_DIFF_SRC, memory(geo.src, engine, dx)},
                               {DNNL_ARG_SCRATCHPAD, scratchpadOf(e.pd.scratchpad_desc())}});
  stream.wait();
}

namespace {

BackwardWeights backwardWeightsEntry(const Geometry &geo) {
  auto hint = forwardDesc(geo, false, dnnl::primitive_attr(), dnnl::prop_kind::forward_training);
  dnnl::convolution_backward_weights::desc desc(dnnl::algorithm::convolution_direct, geo.src, geo.anyWeights, geo.dst,
                                                geo.strides, geo.dilates, geo.padL, geo.padR);
  dnnl::convolution_backward_weights::primitive_desc pd(desc, userScratchpad(), cpuEngine(), hint);
  return BackwardWeights{pd, dnnl::convolution_backward_weights(pd),
                         WeightsReorder(geo.userWeights, pd.diff_weights_desc(), false)};
}

size_t rounded64(size_t bytes) { return (bytes + 63) / 64 * 64; }

// Backward weights on `parts` threads, the batch split evenly between them. oneDNN's own
// multi-threaded kernel sums its threads' partial gradients behind a barrier that spins: on a busy
// machine a descheduled partner made it spin a whole time slice (ten times the CPU time of one
// thread, measured with .exp/conv-micro.ts). Here each thread runs the one-thread kernel on its
// share of the batch into its own buffer, and the partial gradients are summed afterwards: one
// OpenMP fork and join, nothing spinning inside.
void backwardWeightsSplit(const CallArgs &a, int parts) {
  static PrimitiveCache<BackwardWeights> cache;
  Geometry whole = geometry(a);
  int64_t share = a.i(N) / parts;
  Geometry geo = geometry(a, share);
  threadsFor(0);  // the part is built (and so runs) for one thread
  BackwardWeights &e = cache.get(cacheKey(a, 'W', parts), [&] { return backwardWeightsEntry(geo); });
  threadsFor(whole.work);
  float *x = a.tensor(SRC, whole.srcElems);
  float *dw = a.tensor(WEIGHTS, whole.weightElems);
  float *dy = a.tensor(DST, whole.dstElems);
  auto &engine = cpuEngine();
  memory::desc partial = e.pd.diff_weights_desc();
  size_t partialBytes = rounded64(partial.get_size());
  size_t scratchBytes = rounded64(e.pd.scratchpad_desc().get_size());
  auto *partials = static_cast<uint8_t *>(temp(kWeights, partialBytes * parts));
  auto *scratch = static_cast<uint8_t *>(temp(kScratchpad, scratchBytes * parts));
  std::vector<dnnl::stream> &streams = threadStreams(parts);
  std::string failure;
#if DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_OMP
#pragma omp parallel for num_threads(parts) schedule(static, 1)
#endif
  for (int part = 0; part < parts; part++) {
    try {
      e.primitive.execute(streams[part],
                          {{DNNL_ARG_SRC, memory(geo.src, engine, x + part * (whole.srcElems / parts))},
                           {DNNL_ARG_DIFF_DST, memory(geo.dst, engine, dy + part * (whole.dstElems / parts))},
                           {DNNL_ARG_DIFF_WEIGHTS, memory(partial, engine, partials + part * partialBytes)},
                           {DNNL_ARG_SCRATCHPAD, memory(e.pd.scratchpad_desc(), engine, scratch + part * scratchBytes)}});
      streams[part].wait();
    } catch (const std::exception &err) {
#if DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_OMP
#pragma omp critical
#endif
      failure = err.what();
    }
  }
  if (!failure.empty()) throw std::runtime_error(failure);
  auto *sum = reinterpret_cast<float *>(partials);
  size_t floats = partial.get_size() / sizeof(float);
  for (int part = 1; part < parts; part++) {
    const auto *add = reinterpret_cast<const float *>(partials + part * partialBytes);
    for (size_t i = 0; i < floats; i++) sum[i] += add[i];
  }
  memory user(geo.userWeights, engine, dw);
  if (e.weights.needed) {
    memory summed(partial, engine, sum);
    e.weights.primitive.execute(cpuStream(), summed, user);
    cpuStream().wait();
  } else {
    std::memcpy(dw, sum, geo.userWeights.get_size());
  }
}

}  // namespace

void convBackwardWeights(const CallArgs &a) {
  static PrimitiveCache<BackwardWeights> cache;
  Geometry geo = geometry(a);
  int used = threadsFor(geo.work);
  if (used > 1 && a.i(N) % used == 0) return backwardWeightsSplit(a, used);
  BackwardWeights &e = cache.get(cacheKey(a, 'w', used), [&] { return backwardWeightsEntry(geo); });
  float *x = a.tensor(SRC, geo.srcElems);
  float *dw = a.tensor(WEIGHTS, geo.weightElems);
  float *dy = a.tensor(DST, geo.dstElems);
  auto &engine = cpuEngine();
  auto &stream = cpuStream();
  memory user(geo.userWeights, engine, dw);
  memory kernel = e.weights.needed ? memory(e.weights.kernel, engine, temp(kWeights, e.weights.kernel.get_size()))
                                   : user;
  e.primitive.execute(stream, {{DNNL_ARG_SRC, memory(geo.src, engine, x)},
                               {DNNL_ARG_DIFF_DST, memory(geo.dst, engine, dy)},
                               {DNNL_ARG_DIFF_WEIGHTS, kernel},
                               {DNNL_ARG_SCRATCHPAD, scratchpadOf(e.pd.scratchpad_desc())}});
  if (e.weights.needed) e.weights.primitive.execute(stream, kernel, user);
  stream.wait();
}

}  // namespace flatline
