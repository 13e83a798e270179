import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { bimAttack } from '../../../../main/engine/attacks/bim'
import { Rng } from '../../../../main/engine/data/rng'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import { tinyConfig } from '../../helpers/tiny-data'
import { linearModel } from './attack-fixtures'

beforeAll(async () => {
  await initBackend()
})

describe('bimAttack', () => {
  it('matches the closed form on a binary linear model: clip(x0 + min(Tα, ε)·sign(w), 0, 1)', () => {
    const w = [0.5, -1, 0, 2, -0.3]
    const x0 = tf.tensor4d([0.5, 0.5, 0.5, 0.98, 0.01], [1, 1, 5, 1])
    const y = tf.tensor1d([0], 'int32')
    const eps = 8 / 255
    const adv = bimAttack(linearModel(w, -0.2), x0, y, { eps, stepSize: eps / 10, steps: 7 })
    const expected = [0.5, 0.5, 0.5, 0.98, 0.01].map((v, i) =>
      Math.min(1, Math.max(0, v + Math.min((7 * eps) / 10, eps) * Math.sign(w[i])))
    )
    Array.from(adv.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6))
    tf.dispose([x0, y, adv])
  })

  it('stays in the ε-ball and in [0,1], returns x0 for zero steps, and leaks nothing', () => {
    const model = buildClassifier(tinyConfig('small-resnet', 4), new Rng(1))
    const x0 = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D
    const y = tf.tensor1d([0, 1, 2, 3], 'int32')
    const before = tf.memory().numTensors
    const eps = 16 / 255
    const adv = bimAttack(model, x0, y, { eps, stepSize: eps / 10, steps: 12 })
    const same = bimAttack(model, x0, y, { eps, stepSize: eps / 10, steps: 0 })
    expect(tf.memory().numTensors).toBe(before + 2)
    const delta = tf.max(tf.abs(tf.sub(adv, x0))).dataSync()[0]
    expect(delta).toBeLessThanOrEqual(eps + 1e-6)
    expect(delta).toBeGreaterThan(eps / 2)
    expect(tf.min(adv).dataSync()[0]).toBeGreaterThanOrEqual(0)
    expect(tf.max(adv).dataSync()[0]).toBeLessThanOrEqual(1)
    expect(Array.from(same.dataSync())).toEqual(Array.from(x0.dataSync()))
    tf.dispose([x0, y, adv, same])
    model.params.dispose()
  })
})
