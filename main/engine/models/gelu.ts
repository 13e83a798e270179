/**
 * GELU, tanh approximation (Hendrycks & Gimpel, "Gaussian Error Linear Units", 2016,
 * https://arxiv.org/abs/1606.08415): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 * tfjs-core has no GELU op; this uses plain ops, each with a gradient on every backend.
 */
import * as tf from '@tensorflow/tfjs-core'

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI)

export function gelu<T extends tf.Tensor>(x: T): T {
  // x·x·x rather than pow(x, 3): pow's gradient goes through log and select, slow on wasm.
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), SQRT_2_OVER_PI)
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1)) as T
}
