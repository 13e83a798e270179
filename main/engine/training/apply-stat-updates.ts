/** Batch-norm running statistics: r ← (1−m)·r + m·batch, PyTorch's momentum m = 0.1 (spec §1.2). */
import * as tf from '@tensorflow/tfjs-core'
import {
  registerRunningAverageKernel,
  RUNNING_AVERAGE_KERNEL
} from '../backend/running-average-kernel'
import type { StatUpdate } from '../models/forward-context'
import { BN_MOMENTUM } from '../models/layers'

registerRunningAverageKernel()

export function applyStatUpdates(updates: StatUpdate[]): void {
  // Running value, batch value and the batch value's scale (the variance's n/(n−1), or 1).
  const pairs = updates.flatMap((u): [tf.Variable, tf.Tensor, number][] => [
    [u.mean, u.batchMean, 1],
    [u.variance, u.batchVariance, u.varianceScale ?? 1]
  ])
  if (pairs.length === 0) return
  if (tf.getKernel(RUNNING_AVERAGE_KERNEL, tf.getBackend()) === undefined) {
    for (const [r, x, scale] of pairs)
      tf.tidy(() => {
        const batch = scale === 1 ? x : tf.mul(x, scale)
        r.assign(tf.add(tf.mul(r, 1 - BN_MOMENTUM), tf.mul(batch, BN_MOMENTUM)))
      })
    return
  }
  // Every statistic in one launch (running-average-kernel.ts).
  const inputs: tf.NamedTensorMap = {}
  pairs.forEach(([r, x], i) => {
    inputs[`r${i}`] = r
    inputs[`x${i}`] = x
  })
  const attrs = { count: pairs.length, momentum: BN_MOMENTUM, scales: pairs.map(([, , s]) => s) }
  const out = tf
    .engine()
    .runKernel(RUNNING_AVERAGE_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[]
  pairs.forEach(([r], i) => r.assign(out[i]))
  tf.dispose(out)
}
