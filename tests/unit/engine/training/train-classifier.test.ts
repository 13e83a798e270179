import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { TrainingRecipe } from '../../../../main/contract/audit-spec'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { Rng } from '../../../../main/engine/data/rng'
import type { ImageDataset } from '../../../../main/engine/data/dataset'
import { JobCancelledError, NonFiniteLossError } from '../../../../main/engine/jobs/job-errors'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import { trainClassifier } from '../../../../main/engine/training/train-classifier'
import { tinyConfig, tinyDataset } from '../../helpers/tiny-data'

let data: ImageDataset
beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(256, 64)
})

const recipe = (overrides: Partial<TrainingRecipe> = {}) =>
  TrainingRecipe.parse({ epochs: 3, batchSize: 32, lr: 0.05, weightDecay: 5e-4, ...overrides })

describe('trainClassifier', () => {
  it('lowers the training loss, reports every epoch, and leaks no tensors across epochs', async () => {
    const model = buildClassifier(tinyConfig('small-cnn', 4), new Rng(1))
    const counts: number[] = []
    const passes = { count: 0 }
    const history = await trainClassifier(model, {
      name: 'cnn',
      recipe: recipe(),
      train: data.train,
      test: data.test,
      flipPreservesLabel: true,
      rng: new Rng(2),
      passes,
      onEpoch: () => void counts.push(tf.memory().numTensors)
    })
    expect(history.map((m) => m.epoch)).toEqual([1, 2, 3])
    expect(history[2].loss).toBeLessThan(history[0].loss)
    expect(
      history.every(
        (m) => m.lr === 0.05 && m.seconds > 0 && m.testAccuracy >= 0 && m.testAccuracy <= 1
      )
    ).toBe(true)
    expect(passes.count).toBe(3 * Math.ceil(256 / 32))
    expect(new Set(counts).size).toBe(1)
    model.params.dispose()
  })

  it('gives the same weights for the same seeds', async () => {
    const run = async () => {
      const model = buildClassifier(tinyConfig('small-resnet', 4), new Rng(3))
      await trainClassifier(model, {
        name: 'r',
        recipe: recipe({ epochs: 1 }),
        train: data.train,
        test: data.test,
        flipPreservesLabel: true,
        rng: new Rng(4)
      })
      const weights = Array.from(model.params.trainable.get('head/kernel')!.dataSync())
      model.params.dispose()
      return weights
    }
    expect(await run()).toEqual(await run())
  })

  it('stops at a NaN loss naming the epoch and step, after the last good epoch was reported', async () => {
    const model = buildClassifier(tinyConfig('small-cnn', 4), new Rng(1))
    const saved: number[] = []
    // A learning rate this large overflows the weights within the second epoch.
    const error = await trainClassifier(model, {
      name: 'exploding',
      recipe: { ...recipe({ epochs: 5 }), lr: 1e30, momentum: 0 },
      train: data.train,
      test: data.test,
      flipPreservesLabel: true,
      rng: new Rng(2),
      onEpoch: (m) => void saved.push(m.epoch)
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(NonFiniteLossError)
    const nan = error as NonFiniteLossError
    expect(nan.message).toMatch(/"exploding".*NaN\/infinite at epoch \d+, step \d+/)
    expect(nan.lastGoodEpoch).toBe(saved.length)
    expect(nan.epoch).toBe(saved.length + 1)
    model.params.dispose()
  })

  it('stops within one batch of a cancel, mid-epoch', async () => {
    const model = buildClassifier(tinyConfig('small-cnn', 4), new Rng(1))
    const controller = new AbortController()
    let batches = 0
    let batchesAtCancel = 0
    const error = await trainClassifier(model, {
      name: 'c',
      recipe: recipe({ epochs: 2 }),
      train: data.train,
      test: data.test,
      flipPreservesLabel: true,
      rng: new Rng(2),
      signal: controller.signal,
      onBatch: () => {
        batches++
        if (batches === 3) {
          controller.abort()
          batchesAtCancel = batches
        }
      }
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(JobCancelledError)
    expect(batches).toBe(batchesAtCancel)
    model.params.dispose()
  })
})
