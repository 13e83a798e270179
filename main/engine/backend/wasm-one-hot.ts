/**
 * A correct float `OneHot` for the wasm backend.
 *
 * wasm's own OneHot (tfjs 4.22) always writes int32 values: asked for dtype 'float32' it returns
 * int bit patterns read as floats (1 becomes 1.4e-45), and it truncates onValue/offValue to
 * integers (label smoothing's 0.9/0.01 become 0/0). We keep the native kernel for int32 output
 * and, for float32, run it as a 0/1 int32 mask and build `mask·on + (1 − mask)·off` with tfjs
 * ops, which reproduces on and off exactly.
 */
import * as tf from '@tensorflow/tfjs-core'
import { kernelInput } from './kernel-input-tensor'

const NAME = 'wasm OneHot'
const FIXED = Symbol.for('flatline.wasm-one-hot-fixed')

type MarkedKernelFunc = tf.KernelFunc & { [FIXED]?: true }

function fixedOneHot(native: tf.KernelFunc): MarkedKernelFunc {
  const kernelFunc: MarkedKernelFunc = (params) => {
    const attrs = params.attrs as unknown as tf.OneHotAttrs
    if (attrs.dtype !== 'float32') return native(params)
    const indices = kernelInput(params.inputs, 'indices', NAME)
    const backend = params.backend as tf.KernelBackend
    const maskInfo = native({
      inputs: { indices },
      backend,
      attrs: { ...attrs, dtype: 'int32', onValue: 1, offValue: 0 }
    }) as tf.TensorInfo
    return tf.tidy(() => {
      // The native kernel made this output outside the engine; the wrapper owns its one reference,
      // so disposing it at the end of the tidy frees it.
      const mask = tf.cast(tf.engine().makeTensorFromTensorInfo(maskInfo, backend), 'float32')
      if (attrs.onValue === 1 && attrs.offValue === 0) return mask
      return tf.add(tf.mul(mask, attrs.onValue), tf.mul(tf.sub(1, mask), attrs.offValue))
    })
  }
  kernelFunc[FIXED] = true
  return kernelFunc
}

/**
 * Replaces wasm's OneHot with the fixed one, keeping its setup function.
 *
 * Returns true when this call replaced it; false if it was already replaced or wasm has no OneHot.
 */
export function registerWasmOneHotFix(): boolean {
  const native = tf.getKernel(tf.OneHot, 'wasm')
  if (native === undefined || (native.kernelFunc as MarkedKernelFunc)[FIXED] === true) return false
  tf.unregisterKernel(tf.OneHot, 'wasm')
  tf.registerKernel({ ...native, kernelFunc: fixedOneHot(native.kernelFunc) })
  return true
}
