import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { range, type ImageDataset } from '../../../../main/engine/data/dataset'
import { Rng } from '../../../../main/engine/data/rng'
import {
  isPerturbed,
  projectRelative,
  randomRelativePerturbation
} from '../../../../main/engine/harden/layer-perturbation'
import {
  measureRobustFlatness,
  type FlatnessSettings
} from '../../../../main/engine/harden/robust-flatness'
import { whiteBoxRobustness } from '../../../../main/engine/harden/white-box-robustness'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import { tinyConfig, tinyDataset } from '../../helpers/tiny-data'

let data: ImageDataset
beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(32, 40)
})

const norm = (t: tf.Tensor) => tf.norm(t).dataSync()[0]
const settings = (xiAverage: number, restarts = 1): FlatnessSettings => ({
  pgd: { eps: 8 / 255, steps: 2, stepSize: 0.007, randomStart: false },
  batchSize: 20,
  average: { xi: xiAverage, samples: 2 },
  worst: { xi: 0.003, steps: 2, weightStepSize: 0.01, restarts }
})

describe('layer-wise relative weight perturbations (Stutz et al. 2021)', () => {
  it('put each tensor on the sphere ξ·‖w_l‖, inside the ball when projected, and skip normalisation layers', () => {
    const w = new Map<string, tf.Tensor>([
      ['a/kernel', tf.tensor2d([[3, 4]])],
      ['b/bias', tf.tensor1d([0.5, 0.5, 0.5, 0.5])]
    ])
    const nu = randomRelativePerturbation(w, 0.1, new Rng(1), true)
    expect(norm(nu.get('a/kernel')!)).toBeCloseTo(0.5, 5)
    expect(norm(nu.get('b/bias')!)).toBeCloseTo(0.1, 5)
    const ball = randomRelativePerturbation(w, 0.1, new Rng(2), false)
    expect(norm(ball.get('a/kernel')!)).toBeLessThanOrEqual(0.5 + 1e-6)
    const big = tf.tensor2d([[30, 40]])
    expect(norm(projectRelative(big, w.get('a/kernel')!, 0.1))).toBeCloseTo(0.5, 5)
    expect(['c/gamma', 'c/beta', 'c/kernel', 'c/bias'].map(isPerturbed)).toEqual([
      false,
      false,
      true,
      true
    ])
    tf.dispose([...w.values(), ...nu.values(), ...ball.values(), big])
  })
})

describe('measureRobustFlatness', () => {
  it('is ~0 for a vanishing radius, grows with ξ, and leaves the weights exactly as they were', async () => {
    const model = buildClassifier(tinyConfig('small-resnet', 4), new Rng(4))
    const before = new Map([...model.params.all()].map(([n, v]) => [n, Array.from(v.dataSync())]))
    const images = range(40)
    const tiny = await measureRobustFlatness(model, data.test, images, settings(1e-7), 1)
    const large = await measureRobustFlatness(model, data.test, images, settings(1), 1)
    expect(Math.abs(tiny.averageCase)).toBeLessThan(1e-3)
    expect(large.averageCase).toBeGreaterThan(tiny.averageCase + 0.01)
    expect(large.robustLoss).toBeCloseTo(tiny.robustLoss, 6)
    expect(large.worstCase).toBeGreaterThan(-1e-3)
    expect(tiny.examples).toBe(40)
    for (const [n, v] of model.params.all()) expect(Array.from(v.dataSync())).toEqual(before.get(n))
    model.params.dispose()
  })
})

describe('whiteBoxRobustness', () => {
  it('never exceeds natural accuracy and falls as ε grows', async () => {
    const model = buildClassifier(tinyConfig('small-cnn', 4), new Rng(5))
    const run = (eps: number) =>
      whiteBoxRobustness(
        model,
        data.test,
        range(40),
        { eps, steps: 3, stepSize: eps / 2, randomStart: true, restarts: 1, batchSize: 20 },
        3
      )
    const none = await run(1e-6)
    const strong = await run(64 / 255)
    expect(none.examples).toBe(40)
    expect(strong.robust).toBeLessThanOrEqual(none.robust)
    expect(strong.robustAccuracy).toBe(strong.robust / 40)
    model.params.dispose()
  })
})
