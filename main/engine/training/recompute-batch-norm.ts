/**
 * Re-estimates batch-norm running statistics for the current weights, after weight averaging
 * (SWA / WASAM; spec §4, reference `bn_update` of Izmailov et al.): reset means to 0 and variances
 * to 1, then forward the training data (augmentation on, TRAIN+UPDATE, no gradients) with a
 * new-sample weight b/(n_seen + b) per batch of b images. The result is the batch-size-weighted
 * mean of the per-batch means and (unbiased) variances. A model without batch norm is unchanged.
 */
import * as tf from '@tensorflow/tfjs-core'
import { augmentBatch, type AugmentOptions } from '../data/augment'
import { batchTensors, range, type ImageSplit } from '../data/dataset'
import type { Rng } from '../data/rng'
import { throwIfCancelled, yieldToEventLoop } from '../jobs/job-errors'
import type { Classifier } from '../models/classifier'
import type { StatUpdate } from '../models/forward-context'

export interface BatchNormRecomputeOptions {
  batchSize: number
  augment: AugmentOptions
  rng: Rng
  /** Fraction of the batches to use (the paper uses 10 % on ImageNet). */
  fraction?: number
  signal?: AbortSignal
}

export async function recomputeBatchNorm(
  model: Classifier,
  split: ImageSplit,
  o: BatchNormRecomputeOptions
): Promise<void> {
  for (const [name, v] of model.params.buffers) {
    if (name.endsWith('/moving_mean')) tf.tidy(() => v.assign(tf.zerosLike(v)))
    else if (name.endsWith('/moving_variance')) tf.tidy(() => v.assign(tf.onesLike(v)))
  }
  const order = o.rng.shuffle(range(split.count))
  const batches = Math.max(1, Math.ceil(Math.ceil(split.count / o.batchSize) * (o.fraction ?? 1)))
  let seen = 0
  for (let b = 0; b < batches; b++) {
    throwIfCancelled(o.signal)
    const indices = order.slice(b * o.batchSize, (b + 1) * o.batchSize)
    if (indices.length === 0) break
    const updates: StatUpdate[] = []
    tf.tidy(() => {
      const batch = batchTensors(split, indices)
      model.forward(augmentBatch(batch.x, o.augment, o.rng), {
        training: true,
        statUpdates: updates
      })
    })
    const weight = indices.length / (seen + indices.length)
    for (const u of updates) {
      tf.tidy(() => {
        u.mean.assign(tf.add(tf.mul(u.mean, 1 - weight), tf.mul(u.batchMean, weight)))
        // The unbiased variance (layers leave its n/(n−1) to the update).
        const unbiased =
          u.varianceScale === undefined ? u.batchVariance : tf.mul(u.batchVariance, u.varianceScale)
        u.variance.assign(tf.add(tf.mul(u.variance, 1 - weight), tf.mul(unbiased, weight)))
      })
      tf.dispose([u.batchMean, u.batchVariance])
    }
    seen += indices.length
    await yieldToEventLoop()
  }
}
