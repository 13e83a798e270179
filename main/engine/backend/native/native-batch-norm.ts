/**
 * Batch normalization in training as two native kernels with a registered gradient, in place of
 * the ~10 elementwise and reduction kernels `tf.moments` plus the affine take each way on wasm.
 *
 * `FlatlineBatchNormTraining` (x, scale, offset → y, mean, variance) normalizes with the batch's
 * statistics (biased variance, as `tf.moments`); its gradient, `FlatlineBatchNormTrainingGrad`,
 * is the full one, through the statistics. The statistics outputs are meant for the running
 * averages only: gradients arriving at them are ignored, as for a stop-gradient.
 * `nativeBatchNormTraining` returns undefined whenever these kernels cannot run (not registered,
 * switched off, another backend), so the caller keeps its plain-ops path.
 */
import * as tf from '@tensorflow/tfjs-core'
import { kernelInput } from '../kernel-input-tensor'
import type { NativeAddon } from './native-addon'
import { runNativeOutputs } from './native-call'
import { batchNormParams } from './native-params'
import { nativeKernelsEnabled } from './native-switch'
import { overrideWasmKernel, type NativeKernelBody } from './override-wasm-kernel'

export const BATCH_NORM_TRAINING = 'FlatlineBatchNormTraining'
export const BATCH_NORM_TRAINING_GRAD = 'FlatlineBatchNormTrainingGrad'

let registered = false

function forward(addon: NativeAddon): NativeKernelBody {
  return ({ inputs, attrs, backend }) => {
    const x = kernelInput(inputs, 'x', BATCH_NORM_TRAINING)
    const scale = kernelInput(inputs, 'scale', BATCH_NORM_TRAINING)
    const offset = kernelInput(inputs, 'offset', BATCH_NORM_TRAINING)
    const channels = [x.shape[3]]
    return runNativeOutputs(addon.batchNormForward, backend, [x.shape, channels, channels], ([y, mean, variance], offsetOf) =>
      batchNormParams(x, attrs.epsilon as number, {
        x: offsetOf(x),
        scale: offsetOf(scale),
        shift: offsetOf(offset),
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

function backward(addon: NativeAddon): NativeKernelBody {
  return ({ inputs, attrs, backend }) => {
    const get = (name: string): tf.TensorInfo => kernelInput(inputs, name, BATCH_NORM_TRAINING_GRAD)
    const x = get('x')
    const channels = [x.shape[3]]
    return runNativeOutputs(addon.batchNormBackward, backend, [x.shape, channels, channels], ([dx, dscale, dshift], offsetOf) =>
      batchNormParams(x, attrs.epsilon as number, {
        x: offsetOf(x),
        scale: offsetOf(get('scale')),
        shift: offsetOf(get('offset')),
        mean: offsetOf(get('mean')),
        variance: offsetOf(get('variance')),
        y: offsetOf(get('dy')),
        dx,
        dscale,
        dshift
      })
    )
  }
}

/** Registers both kernels on wasm and the forward kernel's gradient; returns the kernel names. */
export function registerNativeBatchNorm(addon: NativeAddon): string[] {
  const added = [
    [BATCH_NORM_TRAINING, forward(addon)],
    [BATCH_NORM_TRAINING_GRAD, backward(addon)]
  ] as const
  const names = added.filter(([name, body]) => overrideWasmKernel(name, body)).map(([name]) => name)
  if (!registered) {
    tf.registerGradient({
      kernelName: BATCH_NORM_TRAINING,
      inputsToSave: ['x', 'scale', 'offset'],
      outputsToSave: [false, true, true],
      gradFunc: (dy, saved, attrs) => {
        const [x, scale, offset, mean, variance] = saved
        // All three at once, in the caller's scope (not inside one input's closure, whose scope
        // would dispose the other two).
        const [dx, dscale, doffset] = tf.engine().runKernel(
          BATCH_NORM_TRAINING_GRAD,
          { x, scale, offset, mean, variance, dy: (dy as tf.Tensor[])[0] },
          attrs
        ) as tf.Tensor[]
        return { x: () => dx, scale: () => dscale, offset: () => doffset }
      }
    })
    registered = true
  }
  return names
}

export interface BatchNormTraining {
  y: tf.Tensor4D
  /** The batch mean per channel. */
  mean: tf.Tensor1D
  /** The batch variance per channel, biased (÷ N·H·W), as `tf.moments`. */
  variance: tf.Tensor1D
}

/** Normalizes `x` [N, H, W, C] with its batch statistics natively, or undefined when it cannot. */
export function nativeBatchNormTraining(
  x: tf.Tensor4D,
  scale: tf.Tensor,
  offset: tf.Tensor,
  epsilon: number
): BatchNormTraining | undefined {
  if (!registered || !nativeKernelsEnabled() || tf.getBackend() !== 'wasm') return undefined
  const channels = x.shape[3]
  if (x.dtype !== 'float32' || x.size === 0 || scale.size !== channels || offset.size !== channels) return undefined
  const [y, mean, variance] = tf.engine().runKernel(BATCH_NORM_TRAINING, { x, scale, offset }, { epsilon }) as tf.Tensor[]
  return { y: y as tf.Tensor4D, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D }
}
