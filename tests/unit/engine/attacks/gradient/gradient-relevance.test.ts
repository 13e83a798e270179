/** GRA oracles (spec attacks-more.md §3.4): decay indicator hand case, cosine, reduction to MI, C11. */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { runAttack } from '../../../../../main/engine/attacks/attack-loop'
import {
  cosineSimilarity,
  decayOnFlips
} from '../../../../../main/engine/attacks/gradient/gradient-relevance'
import {
  baseConfig,
  expectBitwiseEqual,
  linearModel,
  referenceBim,
  tinyBatch,
  tinyModel,
  useCpu,
  values
} from '../attack-fixtures'

beforeAll(useCpu)

describe('GRA', () => {
  it('momentum signs 0, +, +, −, −, + give M = 1, 1, η, η, η² at t = 0…4', () => {
    const signs = [0, 1, 1, -1, -1, 1]
    const eta = 0.94
    let m = tf.ones([1, 1, 1, 1]) as tf.Tensor4D
    const scales: number[] = []
    for (let t = 0; t + 1 < signs.length; t++) {
      m = decayOnFlips(
        m,
        tf.fill([1, 1, 1, 1], signs[t]) as tf.Tensor4D,
        tf.fill([1, 1, 1, 1], signs[t + 1]) as tf.Tensor4D,
        eta
      )
      scales.push(m.dataSync()[0])
    }
    expect(scales.map((s) => Number(s.toFixed(6)))).toEqual(
      [1, 1, eta, eta, eta * eta].map((s) => Number(Math.fround(s).toFixed(6)))
    )
  })
  it('takes the cosine per example', () => {
    const a = tf.tensor4d([1, 0, 0, 1], [2, 1, 2, 1])
    const b = tf.tensor4d([2, 0, 1, 1], [2, 1, 2, 1])
    const cos = values(cosineSimilarity(a, b))
    expect(cos[0]).toBeCloseTo(1, 6)
    expect(cos[1]).toBeCloseTo(Math.SQRT1_2, 6)
  })
  it('η = 1 and β = 0 ≈ MI (equal but for rounding)', () => {
    const model = tinyModel('small-resnet')
    const { x0, y } = tinyBatch(3)
    const mi = runAttack(model, x0, y, baseConfig({ mi: { mu: 1 } }))
    const gra = runAttack(model, x0, y, baseConfig({ gra: { samples: 3, beta: 0, eta: 1, mu: 1 } }))
    expect(values(tf.notEqual(gra, mi)).filter(Boolean).length / mi.size).toBeLessThan(0.05)
    model.params.dispose()
  })
  it('C11: s = 1 and no sign flips ≡ BIM bitwise', () => {
    const linear = linearModel([0.5, -1, 0, 2, -0.3, 0.8], -0.4)
    const x = tf.tensor4d([0.5, 0.5, 0.5, 0.98, 0.01, 0.3], [1, 1, 6, 1])
    const labels = tf.tensor1d([0], 'int32')
    const eps = 8 / 255
    const ref = referenceBim(linear, x, labels, eps, eps / 10, 7)
    expectBitwiseEqual(
      runAttack(
        linear,
        x,
        labels,
        baseConfig({
          eps,
          alpha: eps / 10,
          steps: 7,
          gra: { samples: 4, beta: 3.5, eta: 0.94, mu: 1 }
        })
      ),
      ref
    )
  })
})
