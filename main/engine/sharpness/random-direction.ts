/** Seeded random directions with the shapes of the weights: standard normal or Rademacher (±1). */
import * as tf from '@tensorflow/tfjs-core'
import type { Rng } from '../data/rng'
import type { TensorMap } from '../minimizers/tensor-map'

export type Shapes = Map<string, number[]>

export function shapesOf(m: Map<string, tf.Tensor>): Shapes {
  return new Map([...m].map(([name, t]) => [name, t.shape]))
}

export function normalDirection(shapes: Shapes, rng: Rng): TensorMap {
  return new Map(
    [...shapes].map(([name, shape]) => [name, tf.randomNormal(shape, 0, 1, 'float32', rng.seed())])
  )
}

export function rademacherDirection(shapes: Shapes, rng: Rng): TensorMap {
  return new Map(
    [...shapes].map(([name, shape]) => [
      name,
      tf.tidy(() =>
        tf.sub(
          tf.mul(
            tf.cast(
              tf.greater(tf.randomUniform(shape, 0, 1, 'float32', rng.seed()), 0.5),
              'float32'
            ),
            2
          ),
          1
        )
      )
    ])
  )
}
