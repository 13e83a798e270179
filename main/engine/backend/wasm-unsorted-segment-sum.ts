/**
 * `UnsortedSegmentSum` for the wasm backend, which ships none (tfjs 4.22).
 *
 * tfjs-core's gradient of `gather` (GatherV2) scatters dy back with `unsortedSegmentSum`, so on
 * wasm any loss that picks logits with `tf.gather` (e.g. the true-class log-probability) fails
 * in backprop without it.
 *
 * out[s, …] = Σ_{i : ids[i] = s} x[i, …], computed as oneHot(ids, S)ᵀ · x on wasm's matMul.
 * Ids outside [0, S) select nothing and are dropped, as in TensorFlow. `segmentIds` may have any
 * rank r as long as it equals the first r dimensions of x; the output is
 * [numSegments, ...x.shape.slice(r)]. int32 x is summed in float32 and cast back (exact while
 * sums stay below 2^24).
 */
import * as tf from '@tensorflow/tfjs-core'
import { kernelInput, kernelInputTensor } from './kernel-input-tensor'

const NAME = 'wasm UnsortedSegmentSum'

function unsortedSegmentSum(params: {
  inputs: tf.NamedTensorInfoMap
  backend: object
  attrs?: tf.NamedAttrMap
}): tf.TensorInfo {
  const backend = params.backend as tf.KernelBackend
  const xInfo = kernelInput(params.inputs, 'x', NAME)
  const idsInfo = kernelInput(params.inputs, 'segmentIds', NAME)
  const { numSegments } = params.attrs as unknown as tf.UnsortedSegmentSumAttrs

  tf.util.assert(
    Number.isInteger(numSegments) && numSegments >= 0,
    () => `Error in ${NAME}: numSegments must be a non-negative integer; got ${numSegments}.`
  )
  const r = idsInfo.shape.length
  tf.util.assert(
    r >= 1 && tf.util.arraysEqual(idsInfo.shape, xInfo.shape.slice(0, r)),
    () =>
      `Error in ${NAME}: segmentIds shape [${idsInfo.shape}] must equal the leading dimensions ` +
      `of x [${xInfo.shape}].`
  )
  tf.util.assert(
    idsInfo.dtype === 'int32',
    () => `Error in ${NAME}: segmentIds must be int32; got ${idsInfo.dtype}.`
  )
  tf.util.assert(
    xInfo.dtype === 'float32' || xInfo.dtype === 'int32',
    () => `Error in ${NAME}: x must be float32 or int32; got ${xInfo.dtype}.`
  )

  const inner = xInfo.shape.slice(r)
  const rows = tf.util.sizeFromShape(idsInfo.shape)
  const cols = tf.util.sizeFromShape(inner)
  const outShape = [numSegments, ...inner]

  return tf.tidy(() => {
    if (rows === 0 || cols === 0 || numSegments === 0) return tf.zeros(outShape, xInfo.dtype)
    const x = kernelInputTensor(xInfo, backend)
    const ids = kernelInputTensor(idsInfo, backend)
    // int32 then cast: wasm's native OneHot ignores a float32 dtype (see wasm-one-hot.ts).
    const onehot = tf.cast(tf.oneHot(tf.reshape(ids, [rows]), numSegments), 'float32')
    const values = tf.reshape(xInfo.dtype === 'float32' ? x : tf.cast(x, 'float32'), [rows, cols])
    const summed = tf.reshape(tf.matMul(onehot, values, true, false), outShape)
    return xInfo.dtype === 'float32' ? summed : tf.cast(summed, xInfo.dtype)
  })
}

/**
 * Registers the kernel for 'wasm' unless wasm already has one.
 *
 * Returns true when this call registered it. Safe to call any number of times.
 */
export function registerWasmUnsortedSegmentSum(): boolean {
  if (tf.getKernel(tf.UnsortedSegmentSum, 'wasm') !== undefined) return false
  tf.registerKernel({
    kernelName: tf.UnsortedSegmentSum,
    backendName: 'wasm',
    kernelFunc: unsortedSegmentSum
  })
  return true
}
