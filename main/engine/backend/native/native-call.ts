/**
 * What every native kernel does around its addon call: decide whether it handles the case,
 * allocate the output on the wasm heap, and call the addon with the heap as it is afterwards.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import type { NativeKernelEntry } from './native-addon'
import { heapBytes, heapOffset } from './wasm-heap'

/** True when every tensor is a non-empty float32 one and the layout (if given) is NHWC. */
export function nativeHandles(
  tensors: (tf.TensorInfo | undefined)[],
  dataFormat?: unknown
): boolean {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') return false
  return tensors.every(
    (t) => t === undefined || (t.dtype === 'float32' && tf.util.sizeFromShape(t.shape) > 0)
  )
}

/**
 * Allocates a float32 output of `shape`, then runs `entry` on params built from heap offsets
 * (`offsetOf` maps a tensor to its offset; undefined → -1). Returns the output.
 */
export function runNative(
  entry: NativeKernelEntry,
  backend: BackendWasm,
  shape: number[],
  params: (output: number, offsetOf: (t: tf.TensorInfo | undefined) => number) => Float64Array
): tf.TensorInfo {
  return runNativeOutputs(entry, backend, [shape], ([output], offsetOf) =>
    params(output, offsetOf)
  )[0]
}

/** `runNative` for a kernel with several float32 outputs, one per shape. */
export function runNativeOutputs(
  entry: NativeKernelEntry,
  backend: BackendWasm,
  shapes: number[][],
  params: (outputs: number[], offsetOf: (t: tf.TensorInfo | undefined) => number) => Float64Array
): tf.TensorInfo[] {
  // Allocating may grow (and so replace) the wasm memory: the heap is read only after this.
  const outs = shapes.map((shape) => backend.makeOutput(shape, 'float32'))
  const offsetOf = (t: tf.TensorInfo | undefined): number =>
    t === undefined ? -1 : heapOffset(backend, t)
  try {
    entry(
      heapBytes(backend),
      params(
        outs.map((out) => heapOffset(backend, out)),
        offsetOf
      )
    )
  } catch (err) {
    for (const out of outs) backend.disposeData(out.dataId)
    throw err
  }
  return outs
}
