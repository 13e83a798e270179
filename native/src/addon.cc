// The N-API surface of the addon: `init` (threads, what oneDNN runs on) and one function per
// kernel, each taking (heap: Uint8Array over the wasm memory, params: Float64Array).
#include <node_api.h>

#include <string>

#include "kernels.h"
#include "runtime.h"

namespace {

using flatline::CallArgs;

napi_value throwError(napi_env env, const std::string &message) {
  napi_throw_error(env, nullptr, message.c_str());
  return nullptr;
}

// Reads a typed array argument's data pointer and length in bytes.
bool typedArrayArg(napi_env env, napi_value value, napi_typedarray_type expected, void **data, size_t *bytes) {
  bool isTypedArray = false;
  if (napi_is_typedarray(env, value, &isTypedArray) != napi_ok || !isTypedArray) return false;
  napi_typedarray_type type;
  size_t length = 0;
  if (napi_get_typedarray_info(env, value, &type, &length, data, nullptr, nullptr) != napi_ok) return false;
  if (type != expected) return false;
  *bytes = length * (type == napi_float64_array ? 8 : 1);
  return true;
}

template <void (*Kernel)(const CallArgs &)>
napi_value kernelEntry(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 2) {
    return throwError(env, "flatline native kernel: expected (heap: Uint8Array, params: Float64Array)");
  }
  void *heap = nullptr;
  void *params = nullptr;
  size_t heapBytes = 0;
  size_t paramBytes = 0;
  if (!typedArrayArg(env, argv[0], napi_uint8_array, &heap, &heapBytes) ||
      !typedArrayArg(env, argv[1], napi_float64_array, &params, &paramBytes)) {
    return throwError(env, "flatline native kernel: expected (heap: Uint8Array, params: Float64Array)");
  }
  try {
    Kernel(CallArgs(static_cast<uint8_t *>(heap), heapBytes, static_cast<const double *>(params), paramBytes / 8));
  } catch (const dnnl::error &e) {
    return throwError(env, std::string("oneDNN: ") + e.what() + " (status " + std::to_string(e.status) + ")");
  } catch (const std::exception &e) {
    return throwError(env, e.what());
  }
  return nullptr;
}

const char *isaName(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::sse41: return "sse41";
    case dnnl::cpu_isa::avx: return "avx";
    case dnnl::cpu_isa::avx2: return "avx2";
    case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
    case dnnl::cpu_isa::avx512_core: return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
    default: return "other";
  }
}

void setString(napi_env env, napi_value object, const char *key, const std::string &value) {
  napi_value v;
  napi_create_string_utf8(env, value.c_str(), value.size(), &v);
  napi_set_named_property(env, object, key, v);
}

void setNumber(napi_env env, napi_value object, const char *key, double value) {
  napi_value v;
  napi_create_double(env, value, &v);
  napi_set_named_property(env, object, key, v);
}

// init(threads) → { onednnVersion, threadingRuntime, threads, isa }
napi_value init(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t threads = 0;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &threads) != napi_ok || threads < 1) {
    return throwError(env, "flatline native init: threads must be an integer ≥ 1");
  }
  try {
    flatline::setThreads(threads);
    flatline::cpuStream();  // creates the engine now, so a broken oneDNN fails here, not mid-run
  } catch (const std::exception &e) {
    return throwError(env, std::string("oneDNN could not start: ") + e.what());
  }
  const dnnl_version_t *version = dnnl_version();
  napi_value result;
  napi_create_object(env, &result);
  setString(env, result, "onednnVersion",
            std::to_string(version->major) + "." + std::to_string(version->minor) + "." + std::to_string(version->patch));
  setString(env, result, "threadingRuntime", flatline::threadingRuntime());
  setNumber(env, result, "threads", flatline::threads());
  setString(env, result, "isa", isaName(dnnl::get_effective_cpu_isa()));
  return result;
}

napi_value moduleInit(napi_env env, napi_value exports) {
  napi_property_descriptor properties[] = {
      {"init", nullptr, init, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"convForward", nullptr, kernelEntry<flatline::convForward>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"convBackwardData", nullptr, kernelEntry<flatline::convBackwardData>, nullptr, nullptr, nullptr, napi_enumerable,
       nullptr},
      {"convBackwardWeights", nullptr, kernelEntry<flatline::convBackwardWeights>, nullptr, nullptr, nullptr,
       napi_enumerable, nullptr},
      {"matmul", nullptr, kernelEntry<flatline::matmulForward>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"poolForward", nullptr, kernelEntry<flatline::poolForward>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"poolBackward", nullptr, kernelEntry<flatline::poolBackward>, nullptr, nullptr, nullptr, napi_enumerable,
       nullptr},
      {"batchNormForward", nullptr, kernelEntry<flatline::batchNormForward>, nullptr, nullptr, nullptr,
       napi_enumerable, nullptr},
      {"batchNormBackward", nullptr, kernelEntry<flatline::batchNormBackward>, nullptr, nullptr, nullptr,
       napi_enumerable, nullptr},
      {"reluBackward", nullptr, kernelEntry<flatline::reluBackward>, nullptr, nullptr, nullptr, napi_enumerable,
       nullptr},
      {"addRelu", nullptr, kernelEntry<flatline::addRelu>, nullptr, nullptr, nullptr, napi_enumerable, nullptr},
      {"sgdMomentum", nullptr, kernelEntry<flatline::sgdMomentum>, nullptr, nullptr, nullptr, napi_enumerable,
       nullptr},
  };
  napi_define_properties(env, exports, sizeof(properties) / sizeof(properties[0]), properties);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, moduleInit)
