import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { TrainingRecipe } from '../../../../main/contract/audit-spec'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { batchTensors, range, type ImageDataset } from '../../../../main/engine/data/dataset'
import { Rng } from '../../../../main/engine/data/rng'
import { Awp } from '../../../../main/engine/minimizers/awp'
import { linfPgd } from '../../../../main/engine/minimizers/linf-pgd'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import { BatchObjective } from '../../../../main/engine/training/batch-objective'
import { SgdMomentum } from '../../../../main/engine/training/sgd-step'
import { trainClassifier } from '../../../../main/engine/training/train-classifier'
import { tinyConfig, tinyDataset } from '../../helpers/tiny-data'

let data: ImageDataset
beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(96, 32)
})

async function train(recipe: object, seed = 2) {
  const model = buildClassifier(tinyConfig('small-cnn', 4), new Rng(1))
  const passes = { count: 0 }
  const before = tf.memory().numTensors
  const history = await trainClassifier(model, {
    name: 'm',
    recipe: TrainingRecipe.parse({ epochs: 2, batchSize: 32, lr: 0.05, ...recipe }),
    train: data.train,
    test: data.test,
    flipPreservesLabel: true,
    rng: new Rng(seed),
    passes
  })
  return { model, history, passes, leaked: tf.memory().numTensors - before }
}

describe('linfPgd', () => {
  it('stays in the ε-box and [0,1] and raises the loss over the clean batch', async () => {
    const model = buildClassifier(tinyConfig('small-cnn', 4), new Rng(3))
    const { x, y } = batchTensors(data.test, range(32))
    const oracle = new BatchObjective(model, x, y, () => new Error('nan'))
    const eps = 8 / 255
    const adv = await linfPgd(oracle, { eps, steps: 5, stepSize: eps / 4, randomStart: true }, 7)
    const [a, b] = [await adv.data(), await x.data()]
    let maxDiff = 0
    for (let i = 0; i < a.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]))
      expect(a[i]).toBeGreaterThanOrEqual(0)
      expect(a[i]).toBeLessThanOrEqual(1)
    }
    expect(maxDiff).toBeLessThanOrEqual(eps + 1e-6)
    expect(maxDiff).toBeGreaterThan(eps / 2)
    const clean = tf.mean(oracle.inputLoss(x)).dataSync()[0]
    const attacked = tf.mean(oracle.inputLoss(adv)).dataSync()[0]
    expect(attacked).toBeGreaterThan(clean)
    expect(oracle.passes).toBe(5)
    tf.dispose([x, y, adv])
    model.params.dispose()
  })
})

describe('adversarial training (recipe.adversarial)', () => {
  it('costs steps + the minimizer passes per iteration, is reproducible and leaks nothing', async () => {
    const adversarial = { eps: 8 / 255, steps: 2 }
    const at = await train({ adversarial })
    const samAt = await train({ adversarial, minimizer: { id: 'sam', rho: 0.05 } })
    const again = await train({ adversarial })
    const batches = 3 * 2 // 96 images in batches of 32, two epochs
    expect(at.passes.count).toBe(batches * 3)
    expect(samAt.passes.count).toBe(batches * 4)
    for (const r of [at, samAt, again]) expect(r.leaked).toBe(0)
    for (const [name, v] of at.model.params.all())
      expect(Array.from(v.dataSync())).toEqual(
        Array.from(again.model.params.all().get(name)!.dataSync())
      )
    // Different examples than clean SGD: the weights differ.
    const sgd = await train({})
    const w = (m: typeof sgd.model) => Array.from([...m.params.trainable.values()][0].dataSync())
    expect(w(sgd.model)).not.toEqual(w(at.model))
    for (const r of [at, samAt, again, sgd]) r.model.params.dispose()
  })
})

describe('Awp.perturbation', () => {
  it('moves each kernel by γ·‖w_l‖ and leaves biases and normalisation layers alone', () => {
    const awp = new Awp(new SgdMomentum(0.9, 0), 0.01)
    const weights = new Map<string, tf.Variable>([
      ['conv/kernel', tf.variable(tf.tensor4d([3, 4, 0, 0], [1, 1, 2, 2]))],
      ['conv/bias', tf.variable(tf.tensor1d([1, 1]))]
    ])
    const g = new Map<string, tf.Tensor>([
      ['conv/kernel', tf.tensor4d([0, 0, 2, 0], [1, 1, 2, 2])],
      ['conv/bias', tf.tensor1d([5, 5])]
    ])
    const e = (
      awp as unknown as {
        perturbation: (g: Map<string, tf.Tensor>, w: typeof weights) => Map<string, tf.Tensor>
      }
    ).perturbation(g, weights)
    expect(Array.from(e.get('conv/kernel')!.dataSync())).toEqual([0, 0, expect.closeTo(0.05, 6), 0])
    expect(Array.from(e.get('conv/bias')!.dataSync())).toEqual([0, 0])
    tf.dispose([...weights.values(), ...g.values(), ...e.values()])
  })
})
