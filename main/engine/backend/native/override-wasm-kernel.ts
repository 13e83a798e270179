/**
 * Puts a native kernel in front of the wasm backend's kernel of the same name.
 *
 * The native body returns its output, or undefined for a case it does not handle (NCHW, a dtype
 * other than float32, an empty tensor, PReLU...), which then runs on the kernel it replaced, as
 * does every call while the native switch is off. The replaced kernel's setup function is kept,
 * since the wasm backend binds its own kernels there.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm'
import { asWasmBackend } from './wasm-heap'
import { countNativeCall, nativeKernelsEnabled } from './native-switch'

export interface NativeKernelParams {
  inputs: tf.NamedTensorInfoMap
  attrs: tf.NamedAttrMap
  backend: BackendWasm
}

/** A native kernel: its output(s), or undefined to hand the call to the replaced wasm kernel. */
export type NativeKernelBody = (
  params: NativeKernelParams
) => tf.TensorInfo | tf.TensorInfo[] | undefined

const NATIVE = Symbol.for('flatline.native-kernel')
type MarkedKernelFunc = tf.KernelFunc & { [NATIVE]?: true }

/** Registers `body` for `kernelName` on wasm; false if a native kernel is already there. */
export function overrideWasmKernel(kernelName: string, body: NativeKernelBody): boolean {
  const previous = tf.getKernel(kernelName, 'wasm')
  if ((previous?.kernelFunc as MarkedKernelFunc | undefined)?.[NATIVE] === true) return false
  const fallback = previous?.kernelFunc
  const kernelFunc: MarkedKernelFunc = (params) => {
    if (nativeKernelsEnabled()) {
      const backend = asWasmBackend(params.backend as tf.KernelBackend, kernelName)
      const output = body({ inputs: params.inputs, attrs: params.attrs ?? {}, backend })
      if (output !== undefined) {
        countNativeCall(kernelName)
        return output
      }
    }
    if (fallback === undefined) {
      throw new Error(
        `${kernelName} has no wasm kernel, only a native one, and the native kernels are switched off ` +
          `or do not handle this case (NHWC float32 only)`
      )
    }
    return fallback(params)
  }
  kernelFunc[NATIVE] = true
  if (previous !== undefined) tf.unregisterKernel(kernelName, 'wasm')
  tf.registerKernel({ ...previous, kernelName, backendName: 'wasm', kernelFunc })
  return true
}

/** Whether calls of `kernelName` go to a native kernel now: on the wasm backend, registered, switched on. */
export function nativeKernelActive(kernelName: string): boolean {
  if (tf.getBackend() !== 'wasm' || !nativeKernelsEnabled()) return false
  const kernelFunc = tf.getKernel(kernelName, 'wasm')?.kernelFunc as MarkedKernelFunc | undefined
  return kernelFunc?.[NATIVE] === true
}
