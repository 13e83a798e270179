/**
 * Batch normalization in training on oneDNN, in front of our JavaScript kernels of the same
 * names (../batch-norm-kernels.ts, whose gradient wiring and float64 reference stay in charge):
 * `FlatlineBatchNormTrain` (x, gamma, beta → y, mean, variance) and `FlatlineBatchNormGrad`
 * (→ dx, dgamma, dbeta). The models call those kernels; with
 * the native kernels on, oneDNN's multi-threaded batch-norm primitives run them instead.
 */
import * as tf from '@tensorflow/tfjs-core'
import {
  BATCH_NORM_GRAD,
  BATCH_NORM_TRAIN,
  registerBatchNormKernels,
  type BatchNormAttrs
} from '../batch-norm-kernels'
import { kernelInput } from '../kernel-input-tensor'
import type { NativeAddon } from './native-addon'
import { nativeHandles, runNativeOutputs } from './native-call'
import { batchNormParams } from './native-params'
import { overrideWasmKernel, type NativeKernelBody } from './override-wasm-kernel'

/** NHWC float32 with a channel per last-axis entry (oneDNN's batch norm is 4-D). */
function handles(x: tf.TensorInfo, others: tf.TensorInfo[]): boolean {
  return x.shape.length === 4 && nativeHandles([x, ...others])
}

function forward(addon: NativeAddon): NativeKernelBody {
  return ({ inputs, attrs, backend }) => {
    const x = kernelInput(inputs, 'x', BATCH_NORM_TRAIN)
    const gamma = kernelInput(inputs, 'gamma', BATCH_NORM_TRAIN)
    const beta = kernelInput(inputs, 'beta', BATCH_NORM_TRAIN)
    const a = attrs as unknown as BatchNormAttrs
    if (!handles(x, [gamma, beta])) return undefined
    const channels = [x.shape[3]]
    return runNativeOutputs(
      addon.batchNormForward,
      backend,
      [x.shape, channels, channels],
      ([y, mean, variance], offsetOf) =>
        batchNormParams(x, a.epsilon, a.relu === true, {
          x: offsetOf(x),
          scale: offsetOf(gamma),
          shift: offsetOf(beta),
          mean,
          variance,
          y,
          dx: -1,
          dscale: -1,
          dshift: -1,
          out: -1
        })
    )
  }
}

function gradient(addon: NativeAddon): NativeKernelBody {
  return ({ inputs, attrs, backend }) => {
    const x = kernelInput(inputs, 'x', BATCH_NORM_GRAD)
    const dy = kernelInput(inputs, 'dy', BATCH_NORM_GRAD)
    const gamma = kernelInput(inputs, 'gamma', BATCH_NORM_GRAD)
    const mean = kernelInput(inputs, 'mean', BATCH_NORM_GRAD)
    const variance = kernelInput(inputs, 'variance', BATCH_NORM_GRAD)
    const a = attrs as unknown as BatchNormAttrs
    const y = a.relu ? kernelInput(inputs, 'y', BATCH_NORM_GRAD) : undefined
    if (!handles(x, [dy, gamma, mean, variance, ...(y ? [y] : [])])) return undefined
    const channels = [x.shape[3]]
    return runNativeOutputs(
      addon.batchNormBackward,
      backend,
      [x.shape, channels, channels],
      ([dx, dscale, dshift], offsetOf) =>
        batchNormParams(x, a.epsilon, a.relu === true, {
          x: offsetOf(x),
          scale: offsetOf(gamma),
          shift: -1,
          mean: offsetOf(mean),
          variance: offsetOf(variance),
          y: offsetOf(dy),
          dx,
          dscale,
          dshift,
          out: offsetOf(y)
        })
    )
  }
}

/** Puts oneDNN in front of the two batch-norm kernels; returns the kernel names registered. */
export function registerNativeBatchNorm(addon: NativeAddon): string[] {
  // Ours must wrap the JavaScript kernels, so those register first (once; a later call is a no-op).
  registerBatchNormKernels()
  const kernels: [string, NativeKernelBody][] = [
    [BATCH_NORM_TRAIN, forward(addon)],
    [BATCH_NORM_GRAD, gradient(addon)]
  ]
  return kernels.filter(([name, body]) => overrideWasmKernel(name, body)).map(([name]) => name)
}
