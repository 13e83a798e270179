import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { Rng } from '../../../../main/engine/data/rng'
import type { InputGradientOracle } from '../../../../main/engine/minimizers/input-oracle'
import type { PassMode } from '../../../../main/engine/minimizers/gradient-oracle'
import { l2Pgd, Sat } from '../../../../main/engine/minimizers/sat'
import { Sgd } from '../../../../main/engine/minimizers/sgd'
import type { TensorMap } from '../../../../main/engine/minimizers/tensor-map'
import type { Classifier } from '../../../../main/engine/models/classifier'
import { Dense } from '../../../../main/engine/models/layers'
import { ModelParams } from '../../../../main/engine/models/model-params'
import { BatchObjective } from '../../../../main/engine/training/batch-objective'
import { SgdMomentum } from '../../../../main/engine/training/sgd-step'
import { iteration } from '../../helpers/quadratic'
import { tinyConfig } from '../../helpers/tiny-data'

beforeAll(async () => {
  await initBackend()
})

/** Linear softmax over 2×2×1 images: logits = flatten(x)·K + b. */
function linearSoftmax(seed = 1): Classifier {
  const params = new ModelParams(new Rng(seed))
  const dense = new Dense(params, 'head', 4, 3)
  return {
    config: tinyConfig('small-cnn'),
    params,
    skipConnections: [],
    forward: (x) => dense.apply(tf.reshape(x, [x.shape[0], 4]) as tf.Tensor2D)
  }
}

const norms = (t: tf.Tensor) =>
  Array.from(tf.tidy(() => tf.sqrt(tf.sum(tf.square(t), [1, 2, 3]))).dataSync())
const batch = (values: number[]) => ({
  x: tf.tensor4d(values, [values.length / 4, 2, 2, 1]),
  y: tf.tensor1d([0, 1, 2, 0].slice(0, values.length / 4), 'int32')
})

describe('SAT: L2 PGD of training spec §6', () => {
  it('keeps every input within ε (L2) of the clean one and inside [0,1] (oracle 28)', async () => {
    const model = linearSoftmax()
    const { x, y } = batch([0, 1, 0.5, 0.98, 0.2, 0.3, 0.4, 0.5, 0.99, 0.01, 0.6, 0.7])
    const objective = new BatchObjective(model, x, y, () => new Error('NaN'))
    const adv = await l2Pgd(objective, { eps: 0.3, steps: 5, stepSize: 0.2 })
    const delta = tf.sub(adv, x)
    for (const n of norms(delta)) expect(n).toBeLessThanOrEqual(0.3 + 1e-6)
    expect(Math.max(...norms(delta))).toBeGreaterThan(0.1)
    const values = Array.from(adv.dataSync())
    expect(values.every((v) => v >= 0 && v <= 1)).toBe(true)
    expect(objective.passes).toBe(5)
    tf.dispose([x, y, adv, delta])
    model.params.dispose()
  })

  it('takes δ = a·∇x/‖∇x‖₂ in one unclipped step on a linear-softmax model (oracle 31)', async () => {
    const model = linearSoftmax()
    const { x, y } = batch([0.4, 0.5, 0.6, 0.5, 0.3, 0.4, 0.5, 0.6])
    const objective = new BatchObjective(model, x, y, () => new Error('NaN'))
    const { loss, grad } = await objective.inputGradient(x)
    const adv = await l2Pgd(objective, { eps: 10, steps: 1, stepSize: 0.05 })
    const expected = tf.tidy(() =>
      tf.add(
        x,
        tf.mul(
          tf.div(grad, tf.reshape(tf.sqrt(tf.sum(tf.square(grad), [1, 2, 3])), [-1, 1, 1, 1])),
          0.05
        )
      )
    )
    const got = Array.from(adv.dataSync())
    Array.from(expected.dataSync()).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6))
    tf.dispose([x, y, loss, grad, adv, expected])
    model.params.dispose()
  })

  it('use-best: an example whose loss drops keeps its earlier iterate, the clean input included (oracle 30)', async () => {
    // Every step moves all pixels up; the loss rises with the pixels for example 0 and falls for example 1.
    const x0 = tf.tensor4d([0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [2, 2, 2, 1])
    const y = tf.tensor1d([0, 0], 'int32')
    const lossOf = (x: tf.Tensor4D) =>
      tf.tidy(() => tf.mul(tf.sum(x, [1, 2, 3]), tf.tensor1d([1, -1]))) as tf.Tensor1D
    const fake: InputGradientOracle = {
      inputs: x0,
      labels: y,
      weights: new Map(),
      gradient: (_: PassMode) => Promise.resolve(new Map() as TensorMap),
      inputGradient: (x) => Promise.resolve({ loss: lossOf(x), grad: tf.onesLike(x) }),
      inputLoss: lossOf,
      useInputs: () => {}
    }
    const adv = await l2Pgd(fake, { eps: 1, steps: 3, stepSize: 0.1 })
    const values = Array.from(adv.dataSync())
    expect(values.slice(4)).toEqual([0.5, 0.5, 0.5, 0.5]) // example 1: the clean input
    for (const v of values.slice(0, 4)) expect(v).toBeCloseTo(0.5 + 0.15, 6) // example 0: the last iterate
    tf.dispose([x0, y, adv])
  })

  it.each([
    ['ε = 0', { eps: 0, steps: 3 }, 1],
    ['S = 0', { eps: 0.5, steps: 0 }, 1]
  ])(
    'is SGD bit for bit with %s (oracle 29), without the useless PGD passes',
    async (_, options, passes) => {
      const run = async (make: (b: SgdMomentum) => Sgd) => {
        const model = linearSoftmax(3)
        const { x, y } = batch([0.4, 0.5, 0.6, 0.5, 0.3, 0.4, 0.5, 0.6])
        const objective = new BatchObjective(model, x, y, () => new Error('NaN'))
        const base = new SgdMomentum(0.9, 5e-4)
        await make(base).iterate(objective, iteration())
        const w = [...model.params.trainable.values()].map((v) => Array.from(v.dataSync()))
        tf.dispose([x, y])
        base.dispose()
        model.params.dispose()
        return { w, passes: objective.passes }
      }
      const sat = await run((b) => new Sat(b, options))
      const sgd = await run((b) => new Sgd(b))
      expect(sat.w).toEqual(sgd.w)
      expect(sat.passes).toBe(passes)
    }
  )

  it('trains on the adversarial inputs, then restores the clean batch and leaks nothing', async () => {
    const model = linearSoftmax(3)
    const { x, y } = batch([0.4, 0.5, 0.6, 0.5, 0.3, 0.4, 0.5, 0.6])
    const objective = new BatchObjective(model, x, y, () => new Error('NaN'))
    const base = new SgdMomentum(0.9, 5e-4)
    await new Sgd(base).iterate(objective, iteration()) // creates the momentum buffers
    const before = tf.memory().numTensors
    const clean = await (async () => {
      const o = new BatchObjective(model, x, y, () => new Error('NaN'))
      const g = await o.gradient('probe')
      const loss = o.inputLoss(x)
      const out = Array.from(loss.dataSync())
      tf.dispose([loss, ...g.values()])
      return out
    })()
    await new Sat(base, { eps: 0.5, steps: 2 }).iterate(objective, iteration())
    expect(objective.passes).toBe(1 + 3)
    // The logged loss is the loss on the adversarial batch: above the clean one.
    expect(objective.loss).toBeGreaterThan(clean.reduce((a, b) => a + b) / clean.length)
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([x, y])
    base.dispose()
    model.params.dispose()
  })
})
