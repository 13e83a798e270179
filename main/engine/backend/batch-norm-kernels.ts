/**
 * Training-mode batch norm as three kernels, with a gradient: the forward pass and each gradient
 * are one launch and two or three passes over memory, where the plain-op form (moments, subtract,
 * scale, shift, and the gradient of each) took ~40 launches per layer and as many passes
 * (`npm run bench:profile`: Sum, Mean, Multiply, Identity, Cast, RealDiv).
 *
 * Over the last axis (channels) with n values per channel, biased batch variance v, ε = epsilon:
 *   forward   y = (x − mean) · γ / √(v + ε) + β                    → [y, mean, v]
 *   dx        = γ/√(v + ε) · (dy − Σdy/n − x̂ · Σ(dy·x̂)/n),  x̂ = (x − mean)/√(v + ε)
 *   dγ, dβ    = Σ dy·x̂, Σ dy
 * Sums accumulate in float64. The mean and variance outputs feed the running statistics only: the
 * gradient treats them as constants (nothing differentiates through them).
 */
import * as tf from '@tensorflow/tfjs-core'
import { registerArrayKernel, type KernelArrays } from './kernel-arrays'

export const BATCH_NORM_TRAIN = 'FlatlineBatchNormTrain'
export const GRAD_INPUT = 'FlatlineBatchNormGradInput'
export const GRAD_PARAMS = 'FlatlineBatchNormGradParams'

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

/** Per-channel inverse standard deviations from a variance array. */
function invStd(variance: Float32Array, epsilon: number): Float64Array {
  return Float64Array.from(variance, (v) => 1 / Math.sqrt(v + epsilon))
}

function forward(arrays: KernelArrays, params: Params): tf.TensorInfo[] {
  const xInfo = input(params, 'x', BATCH_NORM_TRAIN)
  const c = channelsOf(xInfo)
  const { epsilon } = params.attrs as unknown as { epsilon: number }
  const y = arrays.alloc(xInfo.shape)
  const meanOut = arrays.alloc([c])
  const varOut = arrays.alloc([c])
  const x = arrays.read(xInfo)
  const gamma = arrays.read(input(params, 'gamma', BATCH_NORM_TRAIN))
  const beta = arrays.read(input(params, 'beta', BATCH_NORM_TRAIN))
  const n = x.length / c
  const mean = new Float64Array(c)
  for (let i = 0; i < x.length; i += c) for (let k = 0; k < c; k++) mean[k] += x[i + k]
  for (let k = 0; k < c; k++) mean[k] /= n
  const sq = new Float64Array(c)
  for (let i = 0; i < x.length; i += c)
    for (let k = 0; k < c; k++) {
      const d = x[i + k] - mean[k]
      sq[k] += d * d
    }
  const m = meanOut.values()
  const v = varOut.values()
  for (let k = 0; k < c; k++) {
    m[k] = mean[k]
    v[k] = sq[k] / n
  }
  const inv = invStd(v, epsilon)
  const scale = Float64Array.from(inv, (s, k) => s * gamma[k])
  const out = y.values()
  for (let i = 0; i < x.length; i += c) for (let k = 0; k < c; k++) out[i + k] = (x[i + k] - mean[k]) * scale[k] + beta[k]
  return [y.info, meanOut.info, varOut.info]
}

/** Σdy and Σdy·x̂ per channel. */
function gradSums(x: Float32Array, dy: Float32Array, mean: Float32Array, inv: Float64Array, c: number): { sumDy: Float64Array; sumDyXhat: Float64Array } {
  const sumDy = new Float64Array(c)
  const sumDyXhat = new Float64Array(c)
  for (let i = 0; i < x.length; i += c)
    for (let k = 0; k < c; k++) {
      const g = dy[i + k]
      sumDy[k] += g
      sumDyXhat[k] += g * (x[i + k] - mean[k]) * inv[k]
    }
  return { sumDy, sumDyXhat }
}

function gradInput(arrays: KernelArrays, params: Params): tf.TensorInfo {
  const xInfo = input(params, 'x', GRAD_INPUT)
  const c = channelsOf(xInfo)
  const { epsilon } = params.attrs as unknown as { epsilon: number }
  const dxOut = arrays.alloc(xInfo.shape)
  const x = arrays.read(xInfo)
  const dy = arrays.read(input(params, 'dy', GRAD_INPUT))
  const gamma = arrays.read(input(params, 'gamma', GRAD_INPUT))
  const mean = arrays.read(input(params, 'mean', GRAD_INPUT))
  const inv = invStd(arrays.read(input(params, 'variance', GRAD_INPUT)), epsilon)
  const n = x.length / c
  const { sumDy, sumDyXhat } = gradSums(x, dy, mean, inv, c)
  const dx = dxOut.values()
  for (let i = 0; i < x.length; i += c)
    for (let k = 0; k < c; k++) {
      const xhat = (x[i + k] - mean[k]) * inv[k]
      dx[i + k] = gamma[k] * inv[k] * (dy[i + k] - sumDy[k] / n - (xhat * sumDyXhat[k]) / n)
    }
  return dxOut.info
}

function gradParams(arrays: KernelArrays, params: Params): tf.TensorInfo[] {
  const xInfo = input(params, 'x', GRAD_PARAMS)
  const c = channelsOf(xInfo)
  const { epsilon } = params.attrs as unknown as { epsilon: number }
  const dGamma = arrays.alloc([c])
  const dBeta = arrays.alloc([c])
  const x = arrays.read(xInfo)
  const dy = arrays.read(input(params, 'dy', GRAD_PARAMS))
  const mean = arrays.read(input(params, 'mean', GRAD_PARAMS))
  const inv = invStd(arrays.read(input(params, 'variance', GRAD_PARAMS)), epsilon)
  const { sumDy, sumDyXhat } = gradSums(x, dy, mean, inv, c)
  dGamma.values().set(sumDyXhat)
  dBeta.values().set(sumDy)
  return [dGamma.info, dBeta.info]
}

let registered = false

/** Registers the three kernels (wasm and cpu) and the forward kernel's gradient, once. */
export function registerBatchNormKernels(): void {
  if (registered) return
  registered = true
  registerArrayKernel(BATCH_NORM_TRAIN, forward)
  registerArrayKernel(GRAD_INPUT, gradInput)
  registerArrayKernel(GRAD_PARAMS, gradParams)
  if (tf.getGradient(BATCH_NORM_TRAIN) !== undefined) return
  tf.registerGradient({
    kernelName: BATCH_NORM_TRAIN,
    inputsToSave: ['x', 'gamma'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [x, gamma, mean, variance] = saved
      const dy = Array.isArray(dys) ? dys[0] : dys
      const run = (name: string, inputs: tf.NamedTensorMap): tf.Tensor | tf.Tensor[] => tf.engine().runKernel(name, inputs, attrs as tf.NamedAttrMap)
      // Each parameter's lazy gradient runs the (one-pass) parameter kernel; only what backprop asks for runs.
      const params = (): tf.Tensor[] => run(GRAD_PARAMS, { x, dy, mean, variance }) as tf.Tensor[]
      return {
        x: () => run(GRAD_INPUT, { x, dy, gamma, mean, variance }) as tf.Tensor,
        gamma: () => params()[0],
        beta: () => params()[1]
      }
    }
  })
}

/** Batch norm over the last axis with batch statistics: [y, batch mean, biased batch variance]. */
export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  registerBatchNormKernels()
  return tf.engine().runKernel(BATCH_NORM_TRAIN, { x, gamma, beta }, { epsilon }) as unknown as [tf.Tensor, tf.Tensor1D, tf.Tensor1D]
}

/** Whether the active backend has the kernels (wasm and cpu do). */
export function hasBatchNormKernels(): boolean {
  registerBatchNormKernels()
  return tf.getKernel(BATCH_NORM_TRAIN, tf.getBackend()) !== undefined
}
