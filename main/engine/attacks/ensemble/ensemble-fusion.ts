/**
 * Ens: several surrogates attacked as one (Liu et al., "Delving into Transferable Adversarial Examples
 * and Black-box Attacks", ICLR 2017, https://arxiv.org/abs/1611.02770; Dong et al., "Boosting
 * Adversarial Attacks with Momentum", CVPR 2018, https://arxiv.org/abs/1710.06081).
 *
 *   logits  L = ℓ(Σ_k w_k f_k(z))                         (Dong et al.'s choice; the app default)
 *   probs   L = CE on log Σ_k w_k softmax(f_k(z))        (Liu et al.), via logSumExp(log w_k + logSoftmax_k)
 *   loss    L = Σ_k w_k ℓ(f_k(z))
 *
 * Weights default to 1/K and are renormalised to sum 1. Equal weights average logits exactly as LGV's
 * n_grad does, so an ensemble of identical members is BIM bitwise.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { ModelOutput } from '../gradient-oracle'

export interface EnsembleSettings {
  fusion: 'logits' | 'probs' | 'loss'
  weights?: number[]
}

/** The members' weights, summing to 1 (1/K each when none are given). */
export function memberWeights(count: number, weights?: number[]): number[] {
  if (!weights) return Array.from({ length: count }, () => 1 / count)
  if (weights.length !== count)
    throw new Error(
      `ens.weights: ${weights.length} weights for ${count} members: give one weight per member`
    )
  const total = weights.reduce((s, w) => s + w, 0)
  return weights.map((w) => w / total)
}

export function fuseMembers(logits: tf.Tensor2D[], settings: EnsembleSettings): ModelOutput {
  const equal = !settings.weights || settings.weights.every((w) => w === settings.weights?.[0])
  const weights = memberWeights(logits.length, settings.weights)
  if (settings.fusion === 'loss')
    return { logits: logits[0], parts: logits.map((l, k) => ({ logits: l, weight: weights[k] })) }
  if (settings.fusion === 'probs') {
    const terms = logits.map((l, k) => tf.add(tf.logSoftmax(l), Math.log(weights[k])))
    return { logits: tf.logSumExp(tf.stack(terms), 0) as tf.Tensor2D }
  }
  if (equal) return { logits: tf.div(tf.addN(logits), logits.length) as tf.Tensor2D }
  return { logits: tf.addN(logits.map((l, k) => tf.mul(l, weights[k]))) as tf.Tensor2D }
}
