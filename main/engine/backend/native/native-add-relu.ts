/**
 * A residual block's join, relu(a + b), as one native launch `FlatlineAddRelu`, with a gradient of
 * one launch: the ReLU mask applied to dy once (`FlatlineReluGrad`), handed to both inputs.
 *
 * tfjs's form is Add and Relu forward, then Relu's gradient (step, cast, multiply) and Add's (a
 * reshape per input): seven launches and five passes per block and training step, where this is
 * two and two. Registered only with the native kernels, like the ReLU gradient (a JavaScript loop
 * loses to wasm's SIMD add and relu); the JavaScript kernel stays behind it for when they are
 * switched off, and serves the cpu backend. `addRelu` (models/add-relu.ts) picks the form.
 */
import * as tf from '@tensorflow/tfjs-core'
import { registerArrayKernel, type KernelArrays } from '../kernel-arrays'
import { kernelInput } from '../kernel-input-tensor'
import { shareTensor } from '../shared-saved-tensors'
import type { NativeAddon } from './native-addon'
import { nativeHandles, runNative } from './native-call'
import { RELU_GRAD } from './native-relu-grad'
import { overrideWasmKernel, type NativeKernelBody } from './override-wasm-kernel'

export const ADD_RELU = 'FlatlineAddRelu'

function inputsOf(inputs: tf.NamedTensorInfoMap): { a: tf.TensorInfo; b: tf.TensorInfo } {
  const a = kernelInput(inputs, 'a', ADD_RELU)
  const b = kernelInput(inputs, 'b', ADD_RELU)
  if (!tf.util.arraysEqual(a.shape, b.shape))
    throw new Error(`Error in ${ADD_RELU}: a has shape [${a.shape}], b [${b.shape}]`)
  return { a, b }
}

function addReluJs(arrays: KernelArrays, params: { inputs: tf.NamedTensorInfoMap }): tf.TensorInfo {
  const { a, b } = inputsOf(params.inputs)
  const out = arrays.alloc(a.shape)
  const x = arrays.read(a)
  const z = arrays.read(b)
  const y = out.values()
  for (let i = 0; i < y.length; i++) {
    const s = x[i] + z[i]
    y[i] = s < 0 ? 0 : s
  }
  return out.info
}

function addRelu(addon: NativeAddon): NativeKernelBody {
  return ({ inputs, backend }) => {
    const { a, b } = inputsOf(inputs)
    if (!nativeHandles([a, b])) return undefined
    return runNative(addon.addRelu, backend, a.shape, (y, offsetOf) =>
      Float64Array.of(tf.util.sizeFromShape(a.shape), offsetOf(a), offsetOf(b), y)
    )
  }
}

let gradientRegistered = false

function registerGradient(): void {
  if (gradientRegistered) return
  gradientRegistered = true
  tf.registerGradient({
    kernelName: ADD_RELU,
    outputsToSave: [true],
    gradFunc: (dy, saved) => {
      const [y] = saved
      const masked = tf.engine().runKernel(RELU_GRAD, { dy: dy as tf.Tensor, y }) as tf.Tensor
      // The same values for both inputs; each gets its own tensor, as the tape disposes each on its own.
      return { a: () => masked, b: () => shareTensor(masked) }
    }
  })
}

/** Registers the native kernel (with the JavaScript one behind it, and for cpu); returns its name when registered. */
export function registerNativeAddRelu(addon: NativeAddon): string[] {
  // An addon built before this kernel existed leaves the join to tfjs's add and relu.
  if (typeof addon.addRelu !== 'function' || typeof addon.reluBackward !== 'function') return []
  registerArrayKernel(ADD_RELU, addReluJs)
  registerGradient()
  return overrideWasmKernel(ADD_RELU, addRelu(addon)) ? [ADD_RELU] : []
}
