import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { Rng } from '../../../../main/engine/data/rng'
import {
  architectures,
  buildClassifier
} from '../../../../main/engine/models/architecture-registry'
import type { StatUpdate } from '../../../../main/engine/models/forward-context'
import { BatchNorm } from '../../../../main/engine/models/layers'
import { ModelParams } from '../../../../main/engine/models/model-params'
import { applyStatUpdates } from '../../../../main/engine/training/train-classifier'
import { tinyConfig } from '../../helpers/tiny-data'

beforeAll(async () => {
  await initBackend()
})

describe('BatchNorm', () => {
  it('normalises with batch statistics in training and updates running stats the PyTorch way', () => {
    const params = new ModelParams(new Rng(1))
    const bn = new BatchNorm(params, 'bn', 1)
    const x = tf.tensor4d([1, 2, 3, 6], [4, 1, 1, 1])
    const updates: StatUpdate[] = []
    const y = bn.apply(x, { training: true, statUpdates: updates })
    // batch mean 3, biased variance 3.5: (x − 3)/sqrt(3.5 + 1e-5)
    expect(Array.from(y.dataSync())).toEqual(
      expect.arrayContaining([expect.closeTo(-2 / Math.sqrt(3.50001), 5)])
    )
    applyStatUpdates(updates)
    const mean = params.buffers.get('bn/moving_mean')!.dataSync()[0]
    const variance = params.buffers.get('bn/moving_variance')!.dataSync()[0]
    expect(mean).toBeCloseTo(0.9 * 0 + 0.1 * 3, 6)
    expect(variance).toBeCloseTo(0.9 * 1 + 0.1 * (14 / 3), 5) // unbiased variance 14/3
    tf.dispose([x, y, ...updates.flatMap((u) => [u.batchMean, u.batchVariance])])
    params.dispose()
  })

  it('leaves running stats alone in a pass without a stat sink (TRAIN-NOUPDATE)', () => {
    const params = new ModelParams(new Rng(1))
    const bn = new BatchNorm(params, 'bn', 1)
    tf.tidy(() => bn.apply(tf.tensor4d([5, 7], [2, 1, 1, 1]), { training: true }))
    expect(params.buffers.get('bn/moving_mean')!.dataSync()[0]).toBe(0)
    params.dispose()
  })
})

describe.each(Object.keys(architectures) as (keyof typeof architectures)[])('%s', (arch) => {
  it('maps a batch of [0,1] images to logits, with the same init for the same seed, without leaks', () => {
    const before = tf.memory().numTensors
    const a = buildClassifier(tinyConfig(arch), new Rng(5))
    const b = buildClassifier(tinyConfig(arch), new Rng(5))
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D
    const la = tf.tidy(() => a.forward(x, { training: false }))
    const lb = tf.tidy(() => b.forward(x, { training: false }))
    expect(la.shape).toEqual([3, 10])
    expect(Array.from(la.dataSync())).toEqual(Array.from(lb.dataSync()))
    expect(architectures[arch].hasSkipConnections).toBe(a.skipConnections.length > 0)
    tf.dispose([x, la, lb])
    a.params.dispose()
    b.params.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })
})
