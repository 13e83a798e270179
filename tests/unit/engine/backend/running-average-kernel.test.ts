import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { RUNNING_AVERAGE_KERNEL } from '../../../../main/engine/backend/running-average-kernel'
import type { StatUpdate } from '../../../../main/engine/models/forward-context'
import { BN_MOMENTUM } from '../../../../main/engine/models/layers'
import { applyStatUpdates } from '../../../../main/engine/training/apply-stat-updates'
import { pattern, setUpWasmAndCpu } from './backend-test-utils'

beforeAll(setUpWasmAndCpu)

describe.each(['wasm', 'cpu'] as const)('FlatlineRunningAverage kernel (%s)', (backend) => {
  it('updates every running statistic in one launch, bit for bit as the op form, leaking nothing', async () => {
    await tf.setBackend(backend)
    const sizes = [16, 32, 5]
    const updates: StatUpdate[] = sizes.map((n, i) => ({
      mean: tf.variable(pattern([n], i), false),
      variance: tf.variable(tf.abs(pattern([n], 10 + i)), false),
      batchMean: pattern([n], 20 + i),
      batchVariance: tf.abs(pattern([n], 30 + i)),
      // Layers give n/(n−1) to apply inside the launch; one statistic here has none.
      ...(i === 2 ? {} : { varianceScale: (n * 7) / (n * 7 - 1) })
    }))
    const opForm = (r: tf.Tensor, x: tf.Tensor, scale?: number): number[] =>
      tf.tidy(() => {
        const batch = scale === undefined ? x : tf.mul(x, scale)
        return Array.from(tf.add(tf.mul(r, 1 - BN_MOMENTUM), tf.mul(batch, BN_MOMENTUM)).dataSync())
      })
    const expected = updates.map((u) => [
      opForm(u.mean, u.batchMean),
      opForm(u.variance, u.batchVariance, u.varianceScale)
    ])
    const before = tf.memory().numTensors
    const profile = await tf.profile(() => applyStatUpdates(updates))
    expect(profile.kernelNames).toEqual([RUNNING_AVERAGE_KERNEL])
    expect(tf.memory().numTensors).toBe(before)
    updates.forEach((u, i) => {
      expect(Array.from(u.mean.dataSync())).toEqual(expected[i][0])
      expect(Array.from(u.variance.dataSync())).toEqual(expected[i][1])
    })
    tf.dispose(updates.flatMap((u) => [u.mean, u.variance, u.batchMean, u.batchVariance]))
  })

  it('names the statistic whose batch value does not match it', async () => {
    await tf.setBackend(backend)
    const run = (): void => {
      tf.tidy(() => {
        tf.engine().runKernel(
          RUNNING_AVERAGE_KERNEL,
          { r0: tf.zeros([3]), x0: tf.zeros([4]) },
          { count: 1, momentum: 0.1 }
        )
      })
    }
    expect(run).toThrow(/statistic 0 has 3 values, its batch value 4/)
  })
})
