// Max and average pooling on oneDNN, forward and backward, NHWC in place on the wasm heap.
//
// oneDNN's max-pool backward reads a workspace (where each window's maximum was) that only its
// forward-training pass writes, and tfjs's MaxPoolGrad passes the input instead: we rerun the
// forward pass into temporary buffers, which costs one cheap pass, then scatter dy.
#include <string>

#include "kernels.h"
#include "runtime.h"

namespace flatline {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;
using namespace pool;

namespace {

struct Geometry {
  memory::desc src, dst;
  memory::dims strides, kernel, padL, padR;
  dnnl::algorithm algorithm;
  int64_t srcElems, dstElems;
  double work;  // window reads
};

Geometry geometry(const CallArgs &a) {
  int64_t n = a.i(N), h = a.i(H), w = a.i(W), c = a.i(C), oh = a.i(OH), ow = a.i(OW);
  Geometry geo;
  geo.src = memory::desc({n, c, h, w}, dt::f32, tag::nhwc);
  geo.dst = memory::desc({n, c, oh, ow}, dt::f32, tag::nhwc);
  geo.strides = {a.i(SH), a.i(SW)};
  geo.kernel = {a.i(KH), a.i(KW)};
  geo.padL = {a.i(PAD_TOP), a.i(PAD_LEFT)};
  geo.padR = {exactPadRight(h, oh, a.i(KH), a.i(SH), 1, a.i(PAD_TOP)), exactPadRight(w, ow, a.i(KW), a.i(SW), 1, a.i(PAD_LEFT))};
  geo.algorithm = a.i(MAX) ? dnnl::algorithm::pooling_max : dnnl::algorithm::pooling_avg_exclude_padding;
  geo.srcElems = n * h * w * c;
  geo.dstElems = n * oh * ow * c;
  geo.work = static_cast<double>(geo.dstElems) * a.i(KH) * a.i(KW);
  return geo;
}

dnnl::pooling_forward::primitive_desc forwardDesc(const Geometry &geo, dnnl::prop_kind prop) {
  dnnl::pooling_forward::desc desc(prop, geo.algorithm, geo.src, geo.dst, geo.strides, geo.kernel, geo.padL, geo.padR);
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  return dnnl::pooling_forward::primitive_desc(desc, attr, cpuEngine());
}

struct Forward {
  dnnl::pooling_forward::primitive_desc pd;
  dnnl::pooling_forward primitive;
};

struct Backward {
  dnnl::pooling_forward::primitive_desc forwardPd;  // training pass, for max pooling's workspace
  dnnl::pooling_forward forward;
  dnnl::pooling_backward::primitive_desc pd;
  dnnl::pooling_backward primitive;
};

memory scratchpadOf(const memory::desc &desc) {
  return memory(desc, cpuEngine(), temp(kScratchpad, desc.get_size()));
}

}  // namespace

void poolForward(const CallArgs &a) {
  static PrimitiveCache<Forward> cache;
  Geometry geo = geometry(a);
  Forward &e = cache.get(a.key('p', GEOMETRY_COUNT) + std::to_string(threadsFor(geo.work)), [&] {
    auto pd = forwardDesc(geo, dnnl::prop_kind::forward_inference);
    return Forward{pd, dnnl::pooling_forward(pd)};
  });
  auto &engine = cpuEngine();
  auto &stream = cpuStream();
  e.primitive.execute(stream, {{DNNL_ARG_SRC, memory(geo.src, engine, a.tensor(X, geo.srcElems))},
                               {DNNL_ARG_DST, memory(geo.dst, engine, a.tensor(Y, geo.dstElems))},
                               {DNNL_ARG_SCRATCHPAD, scratchpadOf(e.pd.scratchpad_desc())}});
  stream.wait();
}

void poolBackward(const CallArgs &a) {
  static PrimitiveCache<Backward> cache;
  Geometry geo = geometry(a);
  bool max = a.i(MAX) != 0;
  Backward &e = cache.get(a.key('q', GEOMETRY_COUNT) + std::to_string(threadsFor(geo.work)), [&] {
    auto forwardPd = forwardDesc(geo, dnnl::prop_kind::forward_training);
    dnnl::pooling_backward::desc desc(geo.algorithm, geo.src, geo.dst, geo.strides, geo.kernel, geo.padL, geo.padR);
    dnnl::primitive_attr attr;
    attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
    dnnl::pooling_backward::primitive_desc pd(desc, attr, cpuEngine(), forwardPd);
    return Backward{forwardPd, dnnl::pooling_forward(forwardPd), pd, dnnl::pooling_backward(pd)};
  });
  auto &engine = cpuEngine();
  auto &stream = cpuStream();
  // One scratchpad serves both passes, sized for the larger, so neither pass reallocates it.
  size_t scratchBytes = e.pd.scratchpad_desc().get_size();
  if (max && e.forwardPd.scratchpad_desc().get_size() > scratchBytes) scratchBytes = e.forwardPd.scratchpad_desc().get_size();
  void *scratch = temp(kScratchpad, scratchBytes);
  std::unordered_map<int, memory> io{{DNNL_ARG_DIFF_DST, memory(geo.dst, engine, a.tensor(Y, geo.dstElems))},
                                     {DNNL_ARG_DIFF_SRC, memory(geo.src, engine, a.tensor(DX, geo.srcElems))},
                                     {DNNL_ARG_SCRATCHPAD, memory(e.pd.scratchpad_desc(), engine, scratch)}};
  if (max) {
    memory workspace(e.forwardPd.workspace_desc(), engine, temp(kWorkspace, e.forwardPd.workspace_desc().get_size()));
    e.forward.execute(stream, {{DNNL_ARG_SRC, memory(geo.src, engine, a.tensor(X, geo.srcElems))},
                               {DNNL_ARG_DST, memory(geo.dst, engine, temp(kDst, geo.dst.get_size()))},
                               {DNNL_ARG_WORKSPACE, workspace},
                               {DNNL_ARG_SCRATCHPAD, memory(e.forwardPd.scratchpad_desc(), engine, scratch)}});
    io.emplace(DNNL_ARG_WORKSPACE, workspace);
  }
  e.primitive.execute(stream, io);
  stream.wait();
}

}  // namespace flatline
