import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { TrainingRecipe } from '../../../../main/contract/audit-spec'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import type { ImageDataset } from '../../../../main/engine/data/dataset'
import { Rng } from '../../../../main/engine/data/rng'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import type { Classifier } from '../../../../main/engine/models/classifier'
import { loadClassifier, saveClassifier } from '../../../../main/engine/models/model-io'
import { trainClassifier } from '../../../../main/engine/training/train-classifier'
import {
  loadTrainingState,
  saveTrainingState,
  type TrainingState
} from '../../../../main/engine/training/training-state'
import { tinyConfig, tinyDataset } from '../../helpers/tiny-data'

let data: ImageDataset
beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(128, 32)
})

const recipeOf = (overrides: Record<string, unknown>) =>
  TrainingRecipe.parse({
    epochs: 3,
    batchSize: 32,
    lr: 0.05,
    weightDecay: 5e-4,
    augment: { cropPadding: 2, flip: true },
    ...overrides
  })

function weightsOf(model: Classifier): Record<string, number[]> {
  return Object.fromEntries(
    [...model.params.all()].map(([name, v]) => [name, Array.from(v.dataSync())])
  )
}

/** Trains 3 epochs straight, and 2 epochs + save + load into a fresh model + epoch 3; returns both weights. */
async function straightAndResumed(recipe: TrainingRecipe, keepState = true) {
  const options = {
    name: 'm',
    recipe,
    train: data.train,
    test: data.test,
    flipPreservesLabel: true
  }
  const straight = buildClassifier(tinyConfig('small-cnn', 4), new Rng(1))
  const full = await trainClassifier(straight, { ...options, rng: new Rng(2) })
  const expected = weightsOf(straight)
  straight.params.dispose()

  const dir = await mkdtemp(join(tmpdir(), 'flatline-state-'))
  const first = buildClassifier(tinyConfig('small-cnn', 4), new Rng(1))
  await trainClassifier(first, {
    ...options,
    rng: new Rng(2),
    onCheckpoint: async (state: TrainingState) => {
      if (state.epoch !== 2) return
      await saveClassifier(first, dir, {
        name: 'm',
        dataset: 'tiny',
        recipe,
        seed: 1,
        metrics: state.history
      })
      await saveTrainingState(dir, state)
    },
    // Stop after epoch 2, as a cancel would, by throwing from the epoch-3 progress callback.
    onBatch: (progress) => {
      if (progress > 2 / 3) throw new Error('stop')
    }
  }).catch((error: Error) => expect(error.message).toBe('stop'))
  first.params.dispose()

  const before = tf.memory().numTensors
  const { model } = await loadClassifier(dir)
  const state = await loadTrainingState(dir)
  expect(state.epoch).toBe(2)
  if (!keepState) {
    tf.dispose([...state.momentum.values()])
    state.momentum.clear()
  }
  const history = await trainClassifier(model, { ...options, rng: new Rng(2), resume: state })
  const resumed = weightsOf(model)
  model.params.dispose()
  expect(tf.memory().numTensors).toBe(before) // the state's tensors were freed
  expect(history.map((m) => m.epoch)).toEqual([1, 2, 3])
  const withoutTime = (h: typeof full) => h.slice(0, 2).map(({ seconds: _, ...m }) => m)
  expect(withoutTime(history)).toEqual(withoutTime(full))
  return { expected, resumed }
}

describe('resumable training (2 epochs + checkpoint + 1 epoch == 3 epochs, bit for bit)', () => {
  it('SGD with momentum, weight decay and augmentation', async () => {
    const { expected, resumed } = await straightAndResumed(recipeOf({}))
    expect(resumed).toEqual(expected)
  })

  it('SWA: the running average and its count carry over', async () => {
    const { expected, resumed } = await straightAndResumed(
      recipeOf({ minimizer: { id: 'swa', averageStart: 2 } })
    )
    expect(resumed).toEqual(expected)
  })

  it('LookSAM past its warm-up', async () => {
    const { expected, resumed } = await straightAndResumed(
      recipeOf({ minimizer: { id: 'looksam', warmupEpochs: 1, k: 3 } })
    )
    expect(resumed).toEqual(expected)
  })

  it('differs without the momentum buffers (the oracle can fail)', async () => {
    const { expected, resumed } = await straightAndResumed(recipeOf({}), false)
    expect(resumed['head/kernel']).not.toEqual(expected['head/kernel'])
  })

  it('refuses a state whose tensors file was changed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flatline-state-'))
    const w = tf.ones([2])
    await saveTrainingState(dir, {
      epoch: 0,
      history: [],
      rng: { shuffle: 1, augment: 2 },
      momentum: new Map([['w', w]]),
      minimizer: { id: 'sgd', tensors: new Map(), numbers: {} }
    })
    w.dispose()
    await writeFile(join(dir, 'training-state.bin'), new Uint8Array(8))
    await expect(loadTrainingState(dir)).rejects.toThrow(/does not match the hash/)
  })
})
