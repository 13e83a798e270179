/**
 * How an in-house target model wants its input and what its output means.
 *
 * The engine always holds [0,1] NHWC pixels; each target declares how to turn them into its own
 * input (size, channels, layout, value range, mean/std) and how to read its output (logits or
 * probabilities, and which dataset class each output index is). `preprocessBatch` applies it.
 */
import * as tf from '@tensorflow/tfjs-core'

export {
  TargetPreprocessing,
  type TargetPreprocessingInput
} from '../../contract/target-preprocessing'
import type { TargetPreprocessing } from '../../contract/target-preprocessing'

/** [height, width, channels] of one model input image. */
export type ImageShape = [number, number, number]

/**
 * Turns [0,1] NHWC pixels into the model's input tensor (NHWC or NCHW), resizing and converting
 * channels only when `resize` allows it (the import has checked that).
 */
export function preprocessBatch(
  x: tf.Tensor4D,
  prep: TargetPreprocessing,
  layout: 'NCHW' | 'NHWC',
  input: ImageShape
): tf.Tensor4D {
  return tf.tidy(() => {
    const [height, width, channels] = input
    let h: tf.Tensor4D = x
    if (h.shape[1] !== height || h.shape[2] !== width)
      h = tf.image.resizeBilinear(h, [height, width])
    if (h.shape[3] !== channels)
      h = channels === 3 ? tf.tile(h, [1, 1, 1, 3]) : (tf.mean(h, 3, true) as tf.Tensor4D)
    const [lo, hi] = prep.range
    if (lo !== 0 || hi !== 1) h = tf.add(tf.mul(h, hi - lo), lo)
    if (prep.mean) h = tf.sub(h, prep.mean)
    if (prep.std) h = tf.div(h, prep.std)
    return layout === 'NCHW' ? tf.transpose(h, [0, 3, 1, 2]) : h
  })
}

/** Argmax per row of a [batch, classes] score matrix, mapped through `classMap` when given. */
export function argmaxRows(
  scores: Float32Array | Int32Array | Uint8Array,
  classes: number,
  classMap?: number[]
): Int32Array {
  const batch = scores.length / classes
  const out = new Int32Array(batch)
  for (let i = 0; i < batch; i++) {
    let best = 0
    for (let k = 1; k < classes; k++)
      if (scores[i * classes + k] > scores[i * classes + best]) best = k
    out[i] = classMap ? classMap[best] : best
  }
  return out
}
