/**
 * `Identity` and same-dtype `Cast` on wasm without a copy: the output shares the input's memory.
 *
 * wasm's own kernels (tfjs 4.22) allocate a new tensor and copy every value, and the engine runs
 * `Identity` for every tensor a kernel saves for its gradient (`saveTensorsForBackwardMode`
 * clones it), while the relu gradient casts a float32 mask to float32: ~50 whole-tensor copies
 * in a small-cnn training step, ~100 in a small-resnet one (`npm run bench:profile`). Tensor
 * data is immutable in tfjs (no kernel writes into an input, a variable's `assign` takes a new
 * buffer), so, as the cpu backend and wasm's own `Reshape` do, the output can be the same buffer
 * with one more reference.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { kernelInput } from './kernel-input-tensor'

const SHARED = Symbol.for('flatline.wasm-shared-identity')

type MarkedKernelFunc = tf.KernelFunc & { [SHARED]?: true }

/** The input itself, one reference more (strings keep wasm's own path: they live outside the heap). */
function share(x: tf.TensorInfo, backend: BackendWasm): tf.TensorInfo {
  backend.incRef(x.dataId)
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype }
}

function sharing(
  kernelName: string,
  own: tf.KernelFunc,
  shares: (x: tf.TensorInfo, attrs: tf.NamedAttrMap) => boolean
): MarkedKernelFunc {
  const kernelFunc: MarkedKernelFunc = (params) => {
    const x = kernelInput(params.inputs, 'x', `wasm ${kernelName}`)
    if (x.dtype === 'string' || !shares(x, params.attrs ?? {})) return own(params)
    return share(x, params.backend as BackendWasm)
  }
  kernelFunc[SHARED] = true
  return kernelFunc
}

function replace(
  kernelName: string,
  shares: (x: tf.TensorInfo, attrs: tf.NamedAttrMap) => boolean
): boolean {
  const own = tf.getKernel(kernelName, 'wasm')
  if (own === undefined || (own.kernelFunc as MarkedKernelFunc)[SHARED] === true) return false
  tf.unregisterKernel(kernelName, 'wasm')
  tf.registerKernel({ ...own, kernelFunc: sharing(kernelName, own.kernelFunc, shares) })
  return true
}

/** Replaces wasm's `Identity` and `Cast` (once); returns the kernel names this call replaced. */
export function registerWasmSharedIdentity(): string[] {
  const replaced: string[] = []
  if (replace(tf.Identity, () => true)) replaced.push(tf.Identity)
  if (replace(tf.Cast, (x, attrs) => attrs.dtype === x.dtype)) replaced.push(tf.Cast)
  return replaced
}
