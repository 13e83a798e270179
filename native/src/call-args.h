// One kernel call's arguments: the wasm heap (a Uint8Array over the WebAssembly memory) and a
// Float64Array of numbers, the geometry first (the cache key) and the tensors' heap offsets last.
// Every tensor is bounds-checked against the heap, so a wrong offset is an error, never a write
// into someone else's memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace flatline {

class CallArgs {
 public:
  CallArgs(uint8_t *heap, size_t heapBytes, const double *values, size_t count)
      : heap_(heap), heapBytes_(heapBytes), values_(values), count_(count) {}

  int64_t i(size_t k) const { return static_cast<int64_t>(at(k)); }
  float f(size_t k) const { return static_cast<float>(at(k)); }

  // The float32 tensor of `elements` whose byte offset is value k; nullptr when that value is -1.
  float *tensor(size_t k, int64_t elements) const {
    double offset = at(k);
    if (offset == -1) return nullptr;
    if (offset < 0 || elements < 0 ||
        offset + static_cast<double>(elements) * 4 > static_cast<double>(heapBytes_) ||
        static_cast<uint64_t>(offset) % 4 != 0) {
      throw std::out_of_range("tensor at heap offset " + std::to_string(offset) + " with " +
                              std::to_string(elements) + " floats lies outside the " +
                              std::to_string(heapBytes_) + "-byte wasm heap");
    }
    return reinterpret_cast<float *>(heap_ + static_cast<size_t>(offset));
  }

  // The first `n` values as raw bytes: with an op tag, the key of the primitive cache.
  std::string key(char op, size_t n) const {
    if (n > count_) throw std::out_of_range("kernel call has too few parameters");
    std::string k(1, op);
    k.append(reinterpret_cast<const char *>(values_), n * sizeof(double));
    return k;
  }

  size_t count() const { return count_; }

 private:
  double at(size_t k) const {
    if (k >= count_) {
      throw std::out_of_range("kernel call has " + std::to_string(count_) + " parameters; needs index " +
                              std::to_string(k));
    }
    return values_[k];
  }

  uint8_t *heap_;
  size_t heapBytes_;
  const double *values_;
  size_t count_;
};

}  // namespace flatline
