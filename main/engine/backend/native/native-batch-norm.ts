/**
 * Batch normalization in training on oneDNN, in front of our JavaScript kernels of the same
 * names (../batch-norm-kernels.ts, whose gradient wiring and float64 reference stay in charge):
 * `FlatlineBatchNormTrain` (x, gamma, beta → y, mean, variance), `FlatlineBatchNormGradInput`
 * (→ dx) and `FlatlineBatchNormGradParams` (→ dgamma, dbeta). The models call those kernels; with
 * the native kernels on, oneDNN's multi-threaded batch-norm primitives run them instead.
 */
import * as tf from '@tensorflow/tfjs-core'
import {
  BATCH_NORM_TRAIN,
  GRAD_INPUT,
  GRAD_PARAMS,
  registerBatchNormKernels
} from '../batch-norm-kernels'
import { kernelInput } from '../kernel-input-tensor'
import type { NativeAddon } from './native-addon'
import { nativeHandles, runNative, runNativeOutputs } from './native-call'
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
    if (!handles(x, [gamma, beta])) return undefined
    const channels = [x.shape[3]]
    return runNativeOutputs(
      addon.batchNormForward,
      backend,
      [x.shape, channels, channels],
      ([y, mean, variance], offsetOf) =>
        batchNormParams(x, attrs.epsilon as number, false, {
          x: offsetOf(x),
          scale: offsetOf(gamma),
          shift: offsetOf(beta),
          mean,
          variance,
          y,
          dx: -1,
          dscale: -1,
          dshift: -1
        })
    )
  }
}

function gradient(addon: NativeAddon, paramsOnly: boolean, kernelName: string): NativeKernelBody {
  return ({ inputs, attrs, backend }) => {
    const x = kernelInput(inputs, 'x', kernelName)
    const dy = kernelInput(inputs, 'dy', kernelName)
    const mean = kernelInput(inputs, 'mean', kernelName)
    const variance = kernelInput(inputs, 'variance', kernelName)
    const gamma = paramsOnly ? undefined : kernelInput(inputs, 'gamma', kernelName)
    if (!handles(x, [dy, mean, variance, ...(gamma ? [gamma] : [])])) return undefined
    const channels = [x.shape[3]]
    const params = (
      outputs: number[],
      offsetOf: (t: tf.TensorInfo | undefined) => number
    ): Float64Array =>
      batchNormParams(x, attrs.epsilon as number, paramsOnly, {
        x: offsetOf(x),
        scale: offsetOf(gamma),
        shift: -1,
        mean: offsetOf(mean),
        variance: offsetOf(variance),
        y: offsetOf(dy),
        dx: paramsOnly ? -1 : outputs[0],
        dscale: paramsOnly ? outputs[0] : -1,
        dshift: paramsOnly ? outputs[1] : -1
      })
    return paramsOnly
      ? runNativeOutputs(addon.batchNormBackward, backend, [channels, channels], params)
      : runNative(addon.batchNormBackward, backend, x.shape, (dx, offsetOf) =>
          params([dx], offsetOf)
        )
  }
}

/** Puts oneDNN in front of the three batch-norm kernels; returns the kernel names registered. */
export function registerNativeBatchNorm(addon: NativeAddon): string[] {
  // Ours must wrap the JavaScript kernels, so those register first (once; a later call is a no-op).
  registerBatchNormKernels()
  const kernels: [string, NativeKernelBody][] = [
    [BATCH_NORM_TRAIN, forward(addon)],
    [GRAD_INPUT, gradient(addon, false, GRAD_INPUT)],
    [GRAD_PARAMS, gradient(addon, true, GRAD_PARAMS)]
  ]
  return kernels.filter(([name, body]) => overrideWasmKernel(name, body)).map(([name]) => name)
}
