/**
 * L∞ PGD against a classifier's own gradients (white-box), one batch at a time, in EVAL mode: the
 * same PGD as adversarial training (minimizers/linf-pgd.ts) on an evaluation oracle. Returns the
 * examples and their per-example cross-entropy, which is the robust loss of Stutz et al. 2021.
 */
import * as tf from '@tensorflow/tfjs-core'
import type { LinfPgdOptions } from '../minimizers/linf-pgd'
import { linfPgd } from '../minimizers/linf-pgd'
import type { Classifier } from '../models/classifier'
import { BatchObjective } from '../training/batch-objective'

export interface PgdBatchResult {
  adversarial: tf.Tensor4D
  /** Cross-entropy of each example at its PGD example. */
  loss: tf.Tensor1D
}

/** PGD examples of (x, y) on `model` as it is now (weights possibly perturbed); the caller disposes both tensors. */
export async function pgdOnBatch(
  model: Classifier,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  o: LinfPgdOptions,
  seed: number
): Promise<PgdBatchResult> {
  const oracle = new BatchObjective(
    model,
    x,
    y,
    () => new Error('Error in pgdOnBatch: non-finite loss')
  )
  const adversarial = await linfPgd(oracle, o, seed)
  return { adversarial, loss: oracle.inputLoss(adversarial) }
}
