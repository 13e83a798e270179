// Batched matmul on oneDNN, with optional bias and activation. A transposed operand is the same
// heap bytes described with swapped strides, so no transpose is ever materialised.
#include <string>

#include "kernels.h"
#include "runtime.h"

namespace flatline {

using dnnl::memory;
using dt = memory::data_type;
using namespace matmul;

namespace {

struct Entry {
  dnnl::matmul::primitive_desc pd;
  dnnl::matmul primitive;
  memory::desc a, b, out, bias;
};

}  // namespace

void matmulForward(const CallArgs &args) {
  static PrimitiveCache<Entry> cache;
  int64_t batchA = args.i(BATCH_A), batchB = args.i(BATCH_B), m = args.i(M), k = args.i(K), n = args.i(N);
  bool withBias = args.i(HAS_BIAS) != 0;
  if (batchA != batchB && batchA != 1 && batchB != 1) {
    throw std::invalid_argument("matmul: batch sizes must match or one must be 1");
  }
  int64_t batch = batchA > batchB ? batchA : batchB;
  int used = threadsFor(static_cast<double>(batch) * m * n * k);
  Entry &e = cache.get(args.key('m', GEOMETRY_COUNT) + std::to_string(used), [&] {
    memory::desc a({batchA, m, k}, dt::f32,
                   args.i(TRANSPOSE_A) ? memory::dims{m * k, 1, m} : memory::dims{m * k, k, 1});
    memory::desc b({batchB, k, n}, dt::f32,
                   args.i(TRANSPOSE_B) ? memory::dims{k * n, 1, k} : memory::dims{k * n, n, 1});
    memory::desc out({batch, m, n}, dt::f32, memory::format_tag::abc);
    memory::desc bias({1, 1, n}, dt::f32, memory::format_tag::abc);
    auto desc = withBias ? dnnl::matmul::desc(a, b, bias, out) : dnnl::matmul::desc(a, b, out);
    dnnl::matmul::primitive_desc pd(desc, attrWithActivation(static_cast<int>(args.i(ACTIVATION)), args.f(ALPHA)),
                                    cpuEngine());
    return Entry{pd, dnnl::matmul(pd), a, b, out, bias};
  });
  auto &engine = cpuEngine();
  auto &stream = cpuStream();
  std::unordered_map<int, memory> io{
      {DNNL_ARG_SRC, memory(e.a, engine, args.tensor(A, batchA * m * k))},
      {DNNL_ARG_WEIGHTS, memory(e.b, engine, args.tensor(B, batchB * k * n))},
      {DNNL_ARG_DST, memory(e.out, engine, args.tensor(OUT, batch * m * n))},
      {DNNL_ARG_SCRATCHPAD, memory(e.pd.scratchpad_desc(), engine,
                                   temp(kScratchpad, e.pd.scratchpad_desc().get_size()))}};
  if (withBias) io.emplace(DNNL_ARG_BIAS, memory(e.bias, engine, args.tensor(BIAS, n)));
  e.primitive.execute(stream, io);
  stream.wait();
}

}  // namespace flatline
