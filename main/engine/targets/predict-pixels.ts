/**
 * Predictions for a batch given as raw [0,1] NHWC floats (e.g. images read outside tfjs), through
 * the same `TargetModel.predict` path as tensors.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { TargetModel } from './target-model'

export async function predictPixels(
  target: TargetModel,
  pixels: Float32Array,
  shape: [number, number, number, number]
): Promise<Int32Array> {
  const expected = shape.reduce((a, b) => a * b, 1)
  if (pixels.length !== expected)
    throw new Error(
      `predictPixels: ${pixels.length} values do not fill a batch of shape [${shape.join(', ')}] (${expected} values)`
    )
  const x = tf.tensor4d(pixels, shape)
  try {
    return await target.predict(x)
  } finally {
    x.dispose()
  }
}
