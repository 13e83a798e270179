import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { TrainingRecipe } from '../../../../main/contract/audit-spec'
import {
  MINIMIZER_IDS,
  MinimizerSpec,
  type MinimizerId
} from '../../../../main/contract/minimizer-spec'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import type { ImageDataset } from '../../../../main/engine/data/dataset'
import { Rng } from '../../../../main/engine/data/rng'
import { createMinimizer } from '../../../../main/engine/minimizers/minimizer-registry'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import { trainClassifier } from '../../../../main/engine/training/train-classifier'
import { SgdMomentum } from '../../../../main/engine/training/sgd-step'
import { tinyConfig, tinyDataset } from '../../helpers/tiny-data'

let data: ImageDataset
beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(128, 32)
})

const N = 4 // 128 images, batch 32
const overrides: Partial<Record<MinimizerId, object>> = {
  looksam: { warmupEpochs: 1, k: 3 },
  sat: { eps: 0.5, steps: 1 }
}

async function train(
  minimizer: object,
  epochs = 3,
  arch: 'small-cnn' | 'small-resnet' = 'small-cnn'
) {
  const model = buildClassifier(tinyConfig(arch, 4), new Rng(1))
  const recipe = TrainingRecipe.parse({ epochs, batchSize: 32, lr: 0.05, minimizer })
  const counts: number[] = []
  const before = tf.memory().numTensors
  const passes = { count: 0 }
  const history = await trainClassifier(model, {
    name: 'm',
    recipe,
    train: data.train,
    test: data.test,
    flipPreservesLabel: true,
    rng: new Rng(2),
    passes,
    onEpoch: () => void counts.push(tf.memory().numTensors)
  })
  const leaked = tf.memory().numTensors - before
  return { model, history, counts, leaked, passes }
}

describe('createMinimizer', () => {
  it('builds every id of the contract', () => {
    const base = new SgdMomentum(0.9, 0)
    for (const id of MINIMIZER_IDS)
      expect(createMinimizer(MinimizerSpec.parse({ id }), base).id).toBe(id)
    base.dispose()
  })
})

describe('trainClassifier with each minimizer (tiny real runs)', () => {
  it.each(MINIMIZER_IDS.map((id) => [id]))(
    '%s lowers the loss, counts its passes and leaks no tensors',
    async (id) => {
      const { model, history, counts, leaked, passes } = await train({ id, ...overrides[id] })
      expect(history[2].loss).toBeLessThan(history[0].loss)
      const perEpoch = history.map((m) => m.passes)
      const expected: Record<MinimizerId, number[]> = {
        sgd: [N, N, N],
        swa: [N, N, N],
        sam: [2 * N, 2 * N, 2 * N],
        asam: [2 * N, 2 * N, 2 * N],
        gsam: [2 * N, 2 * N, 2 * N],
        agsam: [2 * N, 2 * N, 2 * N],
        wasam: [2 * N, 2 * N, 2 * N],
        looksam: [2 * N, N + Math.ceil(N / 3), N + Math.ceil(N / 3)],
        sat: [2 * N, 2 * N, 2 * N],
        awp: [2 * N, 2 * N, 2 * N]
      }
      expect(perEpoch).toEqual(expected[id])
      expect(passes.count).toBe(perEpoch.reduce((a, b) => a! + b!, 0))
      expect(leaked).toBe(0)
      // Tensors held between epochs stay constant while the minimizer's state is unchanged in kind
      // (WASAM starts averaging at epoch int(0.75·3) = 2, SWA at epoch 3 > 0.75·3).
      if (id === 'swa') expect(counts[1]).toBe(counts[0])
      else expect(counts[2]).toBe(counts[1])
      expect(model.params.all().size).toBeGreaterThan(0)
      for (const v of model.params.all().values())
        expect(Array.from(v.dataSync()).every(Number.isFinite)).toBe(true)
      model.params.dispose()
    }
  )

  it('SAM with ρ = 0 trains bit-identically to SGD: weights and BN running stats (oracle 5)', async () => {
    const sam = await train({ id: 'sam', rho: 0 }, 1, 'small-resnet')
    const sgd = await train({ id: 'sgd' }, 1, 'small-resnet')
    const dump = (m: typeof sam.model) =>
      [...m.params.all()].map(([name, v]) => [name, Array.from(v.dataSync())])
    expect(dump(sam.model)).toEqual(dump(sgd.model))
    expect(sam.history[0].passes).toBe(2 * N)
    sam.model.params.dispose()
    sgd.model.params.dispose()
  })

  it('SWA leaves the average of the window in the model, with BN recomputed', async () => {
    // 4 epochs: SWA averages epoch 4 only (e > 3), i.e. the last iterate; BN stats are then recomputed.
    const swa = await train({ id: 'swa' }, 4)
    const sgd = await train({ id: 'sgd' }, 4)
    const trainable = (m: typeof swa.model) =>
      [...m.params.trainable].map(([name, v]) => [name, Array.from(v.dataSync())])
    expect(trainable(swa.model)).toEqual(trainable(sgd.model))
    const mean = (m: typeof swa.model) =>
      Array.from(m.params.buffers.get('stage1/bn/moving_mean')!.dataSync())
    expect(mean(swa.model)).not.toEqual(mean(sgd.model))
    swa.model.params.dispose()
    sgd.model.params.dispose()
  })
})
