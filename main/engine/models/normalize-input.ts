/**
 * Per-channel input normalisation, the model's first op: attacks and data stay in [0,1] pixels
 * and never see normalised values (attack spec §0).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ModelConfig } from './classifier'

export interface InputNormalization {
  mean: number[]
  std: number[]
}

export function normalizeInput(x: tf.Tensor4D, config: ModelConfig): tf.Tensor4D {
  return tf.div(tf.sub(x, config.normalization.mean), config.normalization.std)
}

/** Per-channel mean and standard deviation of a split's pixels in [0,1]. */
export function measureNormalization(images: Uint8Array, channels: number): InputNormalization {
  const sum = new Float64Array(channels)
  const sumSq = new Float64Array(channels)
  for (let i = 0; i < images.length; i++) {
    const v = images[i] / 255
    sum[i % channels] += v
    sumSq[i % channels] += v * v
  }
  const n = images.length / channels
  const mean = Array.from(sum, (s) => s / n)
  const std = Array.from(sumSq, (s, c) => Math.sqrt(Math.max(s / n - mean[c] ** 2, 1e-12)))
  return { mean, std }
}
