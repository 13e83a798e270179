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
  const pairs = updates.flatMap((u): [tf.Variable, tf.Tensor][] => [
    [u.mean, u.batchMean],
    [u.variance, u.batchVariance]
  ])
  if (pairs.length === 0) return
  if (tf.getKernel(RUNNING_AVERAGE_KERNEL, tf.getBackend()) === undefined) {
    for (const [r, x] of pairs)
      tf.tidy(() => r.assign(tf.add(tf.mul(r, 1 - BN_MOMENTUM), tf.mul(x, BN_MOMENTUM))))
    return
  }
  // Every statistic in one launch (running-average-kernel.ts).
  const inputs: tf.NamedTensorMap = {}
  pairs.forEach(([r, x], i) => {
    inputs[`r${i}`] = r
    inputs[`x${i}`] = x
  })
  const attrs = { count: pairs.length, momentum: BN_MOMENTUM }
  const out = tf
    .engine()
    .runKernel(RUNNING_AVERAGE_KERNEL, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[]
  pairs.forEach(([r], i) => r.assign(out[i]))
  tf.dispose(out)
}
