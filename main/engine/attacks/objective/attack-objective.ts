/**
 * The objective layer (spec attacks-more.md §4): the loss L the loop maximises, from the objective slot
 * of the stack. Cross-entropy (untargeted CE(z, y), targeted −CE(z, t)) unless the stack picks the
 * logit or margin loss, or FIA's feature objective. Loss fusion of an ensemble sums w_k·ℓ over its
 * members. The batch reduction (sum or mean) never changes a step (spec attacks.md §2.4).
 */
import * as tf from '@tensorflow/tfjs-core'
import { crossEntropy, crossEntropySum } from '../../training/cross-entropy'
import type { AttackConfig } from '../attack-config'
import type { ModelOutput } from '../gradient-oracle'
import { featureImportanceLoss } from './feature-importance'
import { logitLoss } from './logit-loss'
import { marginLoss } from './margin-loss'

export type LossFn = (out: ModelOutput) => tf.Scalar

/** `importance` is FIA's normalised Δ̄ of this batch (required when the stack has FIA). */
export function createObjective(
  config: AttackConfig,
  labels: tf.Tensor1D,
  importance?: tf.Tensor
): LossFn {
  const mean = config.lossReduction === 'mean'
  const targeted = config.targeted === true
  const reduce = (perExample: tf.Tensor1D): tf.Scalar =>
    (mean ? tf.mean(perExample) : tf.sum(perExample)) as tf.Scalar
  const ofLogits = (logits: tf.Tensor2D): tf.Scalar => {
    if (config.logit) return reduce(logitLoss(logits, labels, targeted))
    if (config.margin)
      return reduce(marginLoss(logits, labels, targeted, config.margin.kappa ?? Infinity))
    const ce = mean ? crossEntropy(logits, labels) : crossEntropySum(logits, labels)
    return targeted ? tf.neg(ce) : ce
  }
  if (config.fia) {
    if (!importance) throw new Error('fia: the feature importance of the batch is missing')
    return (out) => {
      if (!out.feature)
        throw new Error(
          `fia.layer: the surrogate's forward pass never reached layer "${config.fia?.layer}"`
        )
      return reduce(featureImportanceLoss(out.feature, importance))
    }
  }
  return (out) =>
    out.parts
      ? (tf.addN(out.parts.map((p) => tf.mul(ofLogits(p.logits), p.weight))) as tf.Scalar)
      : ofLogits(out.logits)
}
