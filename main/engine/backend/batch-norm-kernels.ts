/**
 * Training-mode batch norm as two kernels, with a gradient: the forward pass and the gradient
 * (dx, dγ and dβ together, as they share their sums) are one launch and two or three passes over
 * memory each, where the plain-op form (moments, subtract,
 * scale, shift, and the gradient of each) took ~40 launches per layer and as many passes
 * (`npm run bench:profile`: Sum, Mean, Multiply, Identity, Cast, RealDiv).
 *
 * Over the last axis (channels) with n values per channel, biased batch variance v, ε = epsilon:
 *   forward   y = (x − mean) · γ / √(v + ε) + β                    → [y, mean, v]
 *   dx        = γ/√(v + ε) · (dy − Σdy/n − x̂ · Σ(dy·x̂)/n),  x̂ = (x − mean)/√(v + ε)
 *   dγ, dβ    = Σ dy·x̂, Σ dy
 * With the `relu` attribute a ReLU follows inside both: y = max(0, ·), and dy is zeroed where y ≤ 0
 * before the above (one launch and pass fewer each way than a separate ReLU, whose gradient is
 * three launches: step, cast and multiply).
 * Sums accumulate in float64. The mean and variance outputs feed the running statistics only: the
 * gradient treats them as constants (nothing differentiates through them).
 */
import * as tf from '@tensorflow/tfjs-core'
import { registerArrayKernel, type KernelArrays } from './kernel-arrays'

export const BATCH_NORM_TRAIN = 'FlatlineBatchNormTrain'
export const BATCH_NORM_GRAD = 'FlatlineBatchNormGrad'

interface Params {
  inputs: tf.NamedTensorInfoMap
  attrs?: tf.NamedAttrMap
}

function input(params: Params, name: string, kernel: string): tf.TensorInfo {
  const info = params.inputs[name]
  if (!info) throw new Error(`Error in ${kernel}: input '${name}' is missing`)
  return info
}

const channelsOf = (x: tf.TensorInfo): number => x.shape[x.shape.length - 1]

/** `relu`: a ReLU follows batch norm inside the kernel (y = max(0, bn(x))), and its gradient inside the gradient kernel. */
export interface BatchNormAttrs {
  epsilon: number
  relu?: boolean
}

/** Per-channel inverse standard deviations from a variance array. */
function invStd(variance: Float32Array, epsilon: number): Float64Array {
  return Float64Array.from(variance, (v) => 1 / Math.sqrt(v + epsilon))
}

function forward(arrays: KernelArrays, params: Params): tf.TensorInfo[] {
  const xInfo = input(params, 'x', BATCH_NORM_TRAIN)
  const c = channelsOf(xInfo)
  const { epsilon, relu } = params.attrs as unknown as BatchNormAttrs
  const y = arrays.alloc(xInfo.shape)
  const meanOut = arrays.alloc([c])
  const varOut = arrays.alloc([c])
  const x = arrays.read(xInfo)
  const gamma = arrays.read(input(params, 'gamma', BATCH_NORM_TRAIN))
  const beta = arrays.read(input(params, 'beta', BATCH_NORM_TRAIN))
  const n = x.length / c
  // One pass for Σx and Σx² (float64 sums: the cancellation in E[x²] − mean² stays far below float32's precision).
  const sum = new Float64Array(c)
  const sumSq = new Float64Array(c)
  for (let i = 0; i < x.length; i += c)
    for (let k = 0; k < c; k++) {
      const value = x[i + k]
      sum[k] += value
      sumSq[k] += value * value
    }
  const m = meanOut.values()
  const v = varOut.values()
  const mean = new Float64Array(c)
  for (let k = 0; k < c; k++) {
    mean[k] = sum[k] / n
    m[k] = mean[k]
    v[k] = Math.max(0, sumSq[k] / n - mean[k] * mean[k])
  }
  const inv = invStd(v, epsilon)
  // y = x · scale + shift per channel.
  const scale = Float64Array.from(inv, (s, k) => s * gamma[k])
  const shift = Float64Array.from(scale, (s, k) => beta[k] - mean[k] * s)
  const out = y.values()
  for (let i = 0; i < x.length; i += c)
    for (let k = 0; k < c; k++) out[i + k] = x[i + k] * scale[k] + shift[k]
  if (relu) for (let i = 0; i < out.length; i++) out[i] = Math.max(0, out[i])
  return [y.info, meanOut.info, varOut.info]
}

/** Σdy and Σdy·x̂ per channel, from one pass for Σdy and Σdy·x (Σdy·x̂ = (Σdy·x − mean·Σdy)/σ). */
function gradSums(
  x: Float32Array,
  dy: Float32Array,
  mean: Float32Array,
  inv: Float64Array,
  c: number
): { sumDy: Float64Array; sumDyXhat: Float64Array } {
  const sumDy = new Float64Array(c)
  const sumDyX = new Float64Array(c)
  for (let i = 0; i < x.length; i += c)
    for (let k = 0; k < c; k++) {
      const g = dy[i + k]
      sumDy[k] += g
      sumDyX[k] += g * x[i + k]
    }
  const sumDyXhat = Float64Array.from(sumDyX, (s, k) => (s - mean[k] * sumDy[k]) * inv[k])
  return { sumDy, sumDyXhat }
}

/** The gradient through the ReLU that followed batch norm: dy where the output y is positive, else 0. */
function reluGradient(dy: Float32Array, y: Float32Array): Float32Array {
  return dy.map((g, i) => (y[i] > 0 ? g : 0))
}

function gradient(arrays: KernelArrays, params: Params): tf.TensorInfo[] {
  const xInfo = input(params, 'x', BATCH_NORM_GRAD)
  const c = channelsOf(xInfo)
  const { epsilon, relu } = params.attrs as unknown as BatchNormAttrs
  const dxOut = arrays.alloc(xInfo.shape)
  const dGamma = arrays.alloc([c])
  const dBeta = arrays.alloc([c])
  const x = arrays.read(xInfo)
  const dy = relu
    ? reluGradient(
        arrays.read(input(params, 'dy', BATCH_NORM_GRAD)),
        arrays.read(input(params, 'y', BATCH_NORM_GRAD))
      )
    : arrays.read(input(params, 'dy', BATCH_NORM_GRAD))
  const gamma = arrays.read(input(params, 'gamma', BATCH_NORM_GRAD))
  const mean = arrays.read(input(params, 'mean', BATCH_NORM_GRAD))
  const inv = invStd(arrays.read(input(params, 'variance', BATCH_NORM_GRAD)), epsilon)
  const n = x.length / c
  const { sumDy, sumDyXhat } = gradSums(x, dy, mean, inv, c)
  // dx = a·dy + b·x + d per channel: a = γσ⁻¹, b = −γσ⁻²·Σdy·x̂/n, d = −a·Σdy/n − b·mean.
  const a = Float64Array.from(inv, (s, k) => gamma[k] * s)
  const b = Float64Array.from(inv, (s, k) => (-gamma[k] * s * s * sumDyXhat[k]) / n)
  const d = Float64Array.from(a, (ak, k) => (-ak * sumDy[k]) / n - b[k] * mean[k])
  const dx = dxOut.values()
  for (let i = 0; i < x.length; i += c)
    for (let k = 0; k < c; k++) dx[i + k] = a[k] * dy[i + k] + b[k] * x[i + k] + d[k]
  dGamma.values().set(sumDyXhat)
  dBeta.values().set(sumDy)
  return [dxOut.info, dGamma.info, dBeta.info]
}

let registered = false

/** Registers the two kernels (wasm and cpu) and the forward kernel's gradient, once. */
export function registerBatchNormKernels(): void {
  if (registered) return
  registered = true
  registerArrayKernel(BATCH_NORM_TRAIN, forward)
  registerArrayKernel(BATCH_NORM_GRAD, gradient)
  if (tf.getGradient(BATCH_NORM_TRAIN) !== undefined) return
  tf.registerGradient({
    kernelName: BATCH_NORM_TRAIN,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [true, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [x, gamma, y, mean, variance] = saved
      const dy = Array.isArray(dys) ? dys[0] : dys
      // All three at once, now: one pass gives them (dγ and dβ are sums dx needs anyway). The
      // tape then asks for each in its own tidy; these live in the backward pass's scope.
      const [dx, dGamma, dBeta] = tf.engine().runKernel(
        BATCH_NORM_GRAD,
        {
          x,
          dy,
          gamma,
          mean,
          variance,
          ...((attrs as unknown as BatchNormAttrs).relu ? { y } : {})
        },
        attrs as tf.NamedAttrMap
      ) as tf.Tensor[]
      return { x: () => dx, gamma: () => dGamma, beta: () => dBeta }
    }
  })
}

/**
 * Batch norm over the last axis with batch statistics: [y, batch mean, biased batch variance];
 * with `relu`, y = max(0, bn(x)) in the same launch (and its gradient in the gradient's).
 */
export function batchNormTrain(
  x: tf.Tensor,
  gamma: tf.Tensor,
  beta: tf.Tensor,
  epsilon: number,
  relu = false
): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  registerBatchNormKernels()
  const attrs: BatchNormAttrs = { epsilon, relu }
  return tf
    .engine()
    .runKernel(
      BATCH_NORM_TRAIN,
      { x, gamma, beta },
      attrs as unknown as tf.NamedAttrMap
    ) as unknown as [tf.Tensor, tf.Tensor1D, tf.Tensor1D]
}

/** Whether the active backend has the kernels (wasm and cpu do). */
export function hasBatchNormKernels(): boolean {
  registerBatchNormKernels()
  return tf.getKernel(BATCH_NORM_TRAIN, tf.getBackend()) !== undefined
}
