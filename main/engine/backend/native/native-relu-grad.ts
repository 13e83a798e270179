/**
 * The gradient through a ReLU from its output, `FlatlineReluGrad` (dy, y → dy where y > 0, else
 * 0), in one vectorised native pass: tfjs's form is `mul(dy, step(y))`, two launches and two
 * passes, after every ReLU-fused conv of an attack's backward pass. Registered only with the
 * native kernels (on plain wasm, wasm's SIMD step and multiply beat a JavaScript loop); the
 * JavaScript kernel stays behind it for when they are switched off, and serves the cpu backend.
 */
import * as tf from '@tensorflow/tfjs-core'
import { registerArrayKernel, type KernelArrays } from '../kernel-arrays'
import { kernelInput } from '../kernel-input-tensor'
import type { NativeAddon } from './native-addon'
import { nativeHandles, runNative } from './native-call'
import { overrideWasmKernel, type NativeKernelBody } from './override-wasm-kernel'

export const RELU_GRAD = 'FlatlineReluGrad'

function inputsOf(inputs: tf.NamedTensorInfoMap): { dy: tf.TensorInfo; y: tf.TensorInfo } {
  const dy = kernelInput(inputs, 'dy', RELU_GRAD)
  const y = kernelInput(inputs, 'y', RELU_GRAD)
  if (!tf.util.arraysEqual(dy.shape, y.shape))
    throw new Error(`Error in ${RELU_GRAD}: dy has shape [${dy.shape}], y [${y.shape}]`)
  return { dy, y }
}

function reluGradJs(
  arrays: KernelArrays,
  params: { inputs: tf.NamedTensorInfoMap }
): tf.TensorInfo {
  const { dy, y } = inputsOf(params.inputs)
  const out = arrays.alloc(dy.shape)
  const g = arrays.read(dy)
  const v = arrays.read(y)
  const dx = out.values()
  for (let i = 0; i < dx.length; i++) dx[i] = v[i] > 0 ? g[i] : 0
  return out.info
}

function reluGrad(addon: NativeAddon): NativeKernelBody {
  return ({ inputs, backend }) => {
    const { dy, y } = inputsOf(inputs)
    if (!nativeHandles([dy, y])) return undefined
    return runNative(addon.reluBackward, backend, dy.shape, (dx, offsetOf) =>
      Float64Array.of(tf.util.sizeFromShape(dy.shape), offsetOf(y), offsetOf(dy), dx)
    )
  }
}

/** Registers the native kernel (with the JavaScript one behind it, and for cpu); returns its name when registered. */
export function registerNativeReluGrad(addon: NativeAddon): string[] {
  // An addon built before this kernel existed leaves the ReLU gradient to tfjs's ops.
  if (typeof addon.reluBackward !== 'function') return []
  registerArrayKernel(RELU_GRAD, reluGradJs)
  return overrideWasmKernel(RELU_GRAD, reluGrad(addon)) ? [RELU_GRAD] : []
}
