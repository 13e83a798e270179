#include "runtime.h"

#include <cstdlib>
#include <new>

#if DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_OMP
#include <omp.h>
#endif

namespace flatline {

namespace {
int gThreads = 1;
}

dnnl::engine &cpuEngine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream &cpuStream() {
  static dnnl::stream stream(cpuEngine());
  return stream;
}

std::vector<dnnl::stream> &threadStreams(int count) {
  static std::vector<dnnl::stream> streams;
  while (static_cast<int>(streams.size()) < count) streams.emplace_back(cpuEngine());
  return streams;
}

namespace {
constexpr double kSmallWork = 2.0 * 1024 * 1024;

void useThreads(int n) {
#if DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_OMP
  if (omp_get_max_threads() != n) omp_set_num_threads(n);
#else
  (void)n;
#endif
}
}  // namespace

void setThreads(int threads) {
  gThreads = threads < 1 ? 1 : threads;
  useThreads(gThreads);
}

int threads() { return gThreads; }

int threadsFor(double work) {
  int n = work < kSmallWork ? 1 : gThreads;
  useThreads(n);
  return n;
}

const char *threadingRuntime() {
#if DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_OMP
  return "OpenMP";
#elif DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_TBB
  return "TBB";
#elif DNNL_CPU_THREADING_RUNTIME == DNNL_RUNTIME_SEQ
  return "sequential";
#else
  return "other";
#endif
}

TempBuffer::~TempBuffer() { std::free(ptr_); }

void *TempBuffer::get(size_t bytes) {
  if (bytes <= size_) return ptr_;
  std::free(ptr_);
  size_t rounded = (bytes + 63) / 64 * 64;
  ptr_ = std::aligned_alloc(64, rounded);
  if (ptr_ == nullptr) {
    size_ = 0;
    throw std::bad_alloc();
  }
  size_ = rounded;
  return ptr_;
}

void *temp(TempSlot slot, size_t bytes) {
  static TempBuffer buffers[kSlotCount];
  return buffers[slot].get(bytes == 0 ? 64 : bytes);
}

int64_t exactPadRight(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t dilation, int64_t padLeft) {
  int64_t span = (kernel - 1) * dilation + 1;
  int64_t needed = (out - 1) * stride + span - in - padLeft;
  return needed < 0 ? 0 : needed;
}

dnnl::primitive_attr attrWithActivation(int activation, float alpha) {
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  dnnl::post_ops ops;
  switch (activation) {
    case kLinear:
      break;
    case kRelu:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, 0.f, 0.f);
      break;
    case kRelu6:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_clip, 0.f, 6.f);
      break;
    case kElu:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_elu, 1.f, 0.f);
      break;
    case kLeakyRelu:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_relu, alpha, 0.f);
      break;
    case kSigmoid:
      ops.append_eltwise(1.f, dnnl::algorithm::eltwise_logistic, 0.f, 0.f);
      break;
    default:
      throw std::invalid_argument("unknown activation code " + std::to_string(activation));
  }
  attr.set_post_ops(ops);
  return attr;
}

}  // namespace flatline
