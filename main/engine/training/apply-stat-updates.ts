/** Batch-norm running statistics: r ← (1−m)·r + m·batch, PyTorch's momentum m = 0.1 (spec §1.2). */
import * as tf from '@tensorflow/tfjs-core'
import type { StatUpdate } from '../models/forward-context'
import { BN_MOMENTUM } from '../models/layers'

export function applyStatUpdates(updates: StatUpdate[]): void {
  for (const u of updates) {
    tf.tidy(() => {
      u.mean.assign(tf.add(tf.mul(u.mean, 1 - BN_MOMENTUM), tf.mul(u.batchMean, BN_MOMENTUM)))
      u.variance.assign(
        tf.add(tf.mul(u.variance, 1 - BN_MOMENTUM), tf.mul(u.batchVariance, BN_MOMENTUM))
      )
    })
  }
}
