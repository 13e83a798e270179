/**
 * Margin loss (Carlini & Wagner, "Towards Evaluating the Robustness of Neural Networks", IEEE S&P 2017,
 * https://arxiv.org/abs/1608.04644), as an attack objective to maximise:
 *
 *   targeted    ℓ = min(z_t − max_{j≠t} z_j, κ)        untargeted  ℓ = min(max_{j≠y} z_j − z_y, κ)
 *
 * κ = +∞ by default (no cap): CW report that high-confidence examples transfer better. The best other
 * class is picked with argMax on masked logits (no gradient through the pick), so ties resolve to the
 * lowest index and the gradient flows to exactly one other logit.
 */
import * as tf from '@tensorflow/tfjs-core'

export function marginLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  targeted: boolean,
  kappa = Infinity
): tf.Tensor1D {
  const own = tf.oneHot(labels, logits.shape[1])
  const labelled = tf.sum(tf.mul(logits, own), 1)
  const others = tf.sub(logits, tf.mul(own, 1e9))
  // The one-hot of an argMax is integer-derived: no gradient flows through the pick.
  const best = tf.oneHot(tf.argMax(others, 1), logits.shape[1])
  const other = tf.sum(tf.mul(logits, best), 1)
  const margin = targeted ? tf.sub(labelled, other) : tf.sub(other, labelled)
  return (Number.isFinite(kappa) ? tf.minimum(margin, kappa) : margin) as tf.Tensor1D
}
