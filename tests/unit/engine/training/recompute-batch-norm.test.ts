import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import type { ImageSplit } from '../../../../main/engine/data/dataset'
import { Rng } from '../../../../main/engine/data/rng'
import type { Classifier } from '../../../../main/engine/models/classifier'
import { BatchNorm } from '../../../../main/engine/models/layers'
import { ModelParams } from '../../../../main/engine/models/model-params'
import { recomputeBatchNorm } from '../../../../main/engine/training/recompute-batch-norm'
import { tinyConfig } from '../../helpers/tiny-data'

beforeAll(async () => {
  await initBackend()
})

/** A classifier-shaped wrapper around one BN layer (or none), enough for the recompute. */
function loneBatchNorm(withBn: boolean): Classifier {
  const params = new ModelParams(new Rng(1))
  const bn = withBn ? new BatchNorm(params, 'bn', 1) : undefined
  return {
    config: tinyConfig('small-cnn'),
    params,
    skipConnections: [],
    forward: (x, ctx) => {
      const y = bn ? bn.apply(x, ctx) : x
      return tf.reshape(y, [x.shape[0], -1]) as tf.Tensor2D
    }
  }
}

const pixels = [0, 10, 20, 40, 80, 160, 200, 255, 5, 15, 25, 35]
const split: ImageSplit = {
  images: Uint8Array.from(pixels),
  labels: new Uint8Array(12),
  count: 12,
  height: 1,
  width: 1,
  channels: 1
}
const options = { batchSize: 4, augment: { cropPadding: 0, flip: false }, rng: new Rng(5) }

describe('recomputeBatchNorm (training spec §4)', () => {
  it('gives a lone BN layer the dataset mean and the mean of per-batch unbiased variances (oracle 25)', async () => {
    const model = loneBatchNorm(true)
    tf.tidy(() => model.params.buffers.get('bn/moving_mean')!.assign(tf.tensor1d([7])))
    await recomputeBatchNorm(model, split, { ...options, rng: new Rng(5) })
    const values = pixels.map((p) => p / 255)
    const mean = values.reduce((a, b) => a + b) / values.length
    expect(model.params.buffers.get('bn/moving_mean')!.dataSync()[0]).toBeCloseTo(mean, 5)
    // The batches follow the shuffled order; rebuild it with the same seed.
    const order = new Rng(5).shuffle([...Array(12).keys()])
    let varianceSum = 0
    for (let b = 0; b < 3; b++) {
      const batch = order.slice(b * 4, b * 4 + 4).map((i) => values[i])
      const m = batch.reduce((s, v) => s + v) / 4
      varianceSum += batch.reduce((s, v) => s + (v - m) ** 2, 0) / 3
    }
    expect(model.params.buffers.get('bn/moving_variance')!.dataSync()[0]).toBeCloseTo(
      varianceSum / 3,
      5
    )
    model.params.dispose()
  })

  it('is a no-op on a model without batch norm, and leaks nothing', async () => {
    const model = loneBatchNorm(false)
    const before = tf.memory().numTensors
    await recomputeBatchNorm(model, split, options)
    expect(tf.memory().numTensors).toBe(before)
    expect(model.params.buffers.size).toBe(0)
    model.params.dispose()
  })
})
