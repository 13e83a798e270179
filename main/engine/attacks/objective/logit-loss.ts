/**
 * Logit loss (Zhao et al., "On Success and Simplicity: A Second Look at Transferable Targeted
 * Attacks", NeurIPS 2021, https://arxiv.org/abs/2012.11207).
 *
 * Targeted: maximise the target logit z_t, whose gradient does not vanish as p_t → 1 the way CE's
 * (1 − p_t) factor does. Untargeted (app option): maximise −z_y. Paper setting: targeted, ε = 16/255,
 * α = 2/255, T = 300, with DI, TI 5×5 and MI μ = 1.0.
 */
import * as tf from '@tensorflow/tfjs-core'

/** Per-example ℓ: z_t (targeted, `labels` are targets) or −z_y (untargeted). */
export function logitLoss(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D,
  targeted: boolean
): tf.Tensor1D {
  const picked = tf.sum(tf.mul(logits, tf.oneHot(labels, logits.shape[1])), 1) as tf.Tensor1D
  return targeted ? picked : (tf.neg(picked) as tf.Tensor1D)
}
