/**
 * Where the wasm backend keeps a tensor: a byte offset into its WebAssembly memory.
 *
 * The native kernels read inputs and write outputs there directly, with no copies. Allocating a
 * tensor may grow the memory, which detaches the old ArrayBuffer (or, for shared memory, leaves
 * it short): so take `heapBytes` only after every output of the call is allocated.
 */
import type * as tf from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'

/** The backend a kernel received, as the wasm backend (native kernels only run on it). */
export function asWasmBackend(backend: tf.KernelBackend, kernel: string): BackendWasm {
  const wasm = backend as Partial<BackendWasm>
  if (
    wasm.dataIdMap === undefined ||
    wasm.wasm === undefined ||
    typeof wasm.makeOutput !== 'function'
  ) {
    throw new Error(
      `native ${kernel}: registered for the wasm backend but called on another backend`
    )
  }
  return backend as BackendWasm
}

/** The byte offset of a float32 tensor's data in the wasm memory. */
export function heapOffset(backend: BackendWasm, info: tf.TensorInfo): number {
  const data = backend.dataIdMap.get(info.dataId)
  if (data === undefined || data.memoryOffset === null || data.memoryOffset === undefined) {
    throw new Error(`native kernel: tensor [${info.shape}] has no data on the wasm heap`)
  }
  return data.memoryOffset
}

/** The whole wasm memory as bytes, as it is now (call after the last allocation). */
export function heapBytes(backend: BackendWasm): Uint8Array {
  // Emscripten refreshes HEAPU8 whenever the memory grows; tfjs's module typings omit it.
  return (backend.wasm as unknown as { HEAPU8: Uint8Array }).HEAPU8
}
