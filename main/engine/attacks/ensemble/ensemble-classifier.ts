/**
 * An ensemble of surrogates seen as one classifier: its logits are the members' fused logits (the
 * ensemble's fusion; probability fusion gives log-probabilities, which rank classes the same way).
 * The audit scores the ensemble's white-box success with it; the attack itself reads the members from
 * the config (`config.ens`).
 */
import * as tf from '@tensorflow/tfjs-core'
import type { Classifier } from '../../models/classifier'
import { fuseMembers, memberWeights, type EnsembleSettings } from './ensemble-fusion'

export function ensembleClassifier(members: Classifier[], settings: EnsembleSettings): Classifier {
  const [first] = members
  return {
    config: first.config,
    params: first.params,
    skipConnections: [],
    forward(x, ctx) {
      const logits = members.map((m) => m.forward(x, ctx))
      const fused = fuseMembers(logits, settings)
      if (!fused.parts) return fused.logits
      // Loss fusion has no single logit vector: rank classes by the weighted mean of the members' logits.
      const weights = memberWeights(members.length, settings.weights)
      return tf.addN(fused.parts.map((p, k) => tf.mul(p.logits, weights[k]))) as tf.Tensor2D
    }
  }
}
