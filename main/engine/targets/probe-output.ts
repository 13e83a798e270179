/**
 * Runs a model once on two blank images to learn its output shape, which model files often leave
 * symbolic; refuses anything but [batch, classes] with at least two classes.
 */
import * as tf from '@tensorflow/tfjs-core'
import { TargetImportError } from './target-model'
import type { ImageShape } from './target-preprocessing'

export async function probeOutput(
  file: string,
  shape: ImageShape,
  outputDims: (x: tf.Tensor4D) => Promise<readonly number[]>
): Promise<number> {
  const x = tf.zeros([2, ...shape]) as tf.Tensor4D
  let dims: readonly number[]
  try {
    dims = await outputDims(x)
  } catch (err) {
    throw new TargetImportError(
      file,
      `the model failed on a ${shape.join('×')} input (${err instanceof Error ? err.message : String(err)}).`
    )
  } finally {
    x.dispose()
  }
  if (dims.length !== 2 || dims[0] !== 2 || dims[1] < 2)
    throw new TargetImportError(
      file,
      `not a classifier: its output has shape [${dims.join(', ')}] for a batch of 2, expected [2, classes] (one score per class).`
    )
  return dims[1]
}
