/**
 * NI: Nesterov Iterative attack (Lin et al., "Nesterov Accelerated Gradient and Scale Invariance for
 * Adversarial Attacks", ICLR 2020, https://arxiv.org/abs/1908.06281).
 *
 * The gradient is taken at the look-ahead point x̂ = x + α·μ·m (not clipped, not projected, as in
 * every reference), then accumulated as in MI; the step still starts from x. The paper sets μ = 0.6
 * (the original uses 1.0). μ = 0 gives BIM exactly.
 */
import * as tf from '@tensorflow/tfjs-core'

export function lookAhead(x: tf.Tensor4D, m: tf.Tensor4D, alpha: number, mu: number): tf.Tensor4D {
  return mu === 0 ? x : tf.add(x, tf.mul(m, alpha * mu))
}
