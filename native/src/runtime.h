// What every kernel shares: the oneDNN CPU engine and stream, the thread count, reusable
// temporary buffers, and the per-shape cache of oneDNN primitives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "oneapi/dnnl/dnnl.hpp"

namespace flatline {

dnnl::engine &cpuEngine();
dnnl::stream &cpuStream();
// One stream per thread of a parallel region of our own (a stream serves one thread at a time).
std::vector<dnnl::stream> &threadStreams(int count);

// Sets the threads oneDNN's parallel regions may use (from `init`).
void setThreads(int threads);
int threads();

// Sets, and returns, the threads one kernel call runs on: a single thread below about two million
// multiply-adds, where waking a second thread costs more than it saves, else all of them. Kernels
// call it on entry (OpenMP keeps the count per calling thread) and key their primitives by it.
int threadsFor(double work);

// Name of the threading runtime oneDNN was built with ("OpenMP", "TBB", "sequential", ...).
const char *threadingRuntime();

// A 64-byte aligned buffer that only grows; one per purpose, reused across calls.
class TempBuffer {
 public:
  ~TempBuffer();
  void *get(size_t bytes);

 private:
  void *ptr_ = nullptr;
  size_t size_ = 0;
};

enum TempSlot { kScratchpad, kWeights, kWeights2, kWorkspace, kDst, kSlotCount };
void *temp(TempSlot slot, size_t bytes);

// Primitives keyed by everything that shapes them (op, geometry, thread count). oneDNN's own
// cache only saves primitive creation; ours also skips the descriptor and implementation search,
// which dominates a small kernel's time. Capped so varying shapes cannot grow it without bound.
template <class Entry>
class PrimitiveCache {
 public:
  template <class Build>
  Entry &get(const std::string &key, Build build) {
    auto found = map_.find(key);
    if (found != map_.end()) return *found->second;
    if (map_.size() >= kCapacity) map_.clear();
    auto entry = std::make_unique<Entry>(build());
    Entry &ref = *entry;
    map_.emplace(key, std::move(entry));
    return ref;
  }
  size_t size() const { return map_.size(); }

 private:
  static constexpr size_t kCapacity = 256;
  std::unordered_map<std::string, std::unique_ptr<Entry>> map_;
};

// oneDNN wants the right/bottom padding that reproduces the output size exactly; tfjs's own can be
// larger (ceil rounding) or leave rows no window reaches. Both read padding only, so the smallest
// non-negative padding giving tfjs's output size computes the same thing.
int64_t exactPadRight(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t dilation, int64_t padLeft);

// Activations the fused kernels apply as a oneDNN post-op (codes shared with the TypeScript side).
enum Activation { kLinear = 0, kRelu = 1, kRelu6 = 2, kElu = 3, kLeakyRelu = 4, kSigmoid = 5 };
dnnl::primitive_attr attrWithActivation(int activation, float alpha);

}  // namespace flatline
