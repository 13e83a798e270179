/**
 * What our hand-written wasm kernels use of the wasm backend: float32 views of tensors in the wasm
 * heap and fresh outputs there. A view is only valid until the next allocation (which may grow
 * and detach the heap), so kernels allocate their outputs first and take views after.
 */
import type * as tf from '@tensorflow/tfjs-core'

export interface WasmHeapBackend extends tf.KernelBackend {
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo
}

export const heapBackend = (backend: unknown): WasmHeapBackend => backend as WasmHeapBackend
