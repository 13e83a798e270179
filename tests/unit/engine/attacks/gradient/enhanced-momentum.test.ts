/** EMI oracles (spec attacks-more.md §3.1): reductions to MI, sample placement, C11. */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { runAttack } from '../../../../../main/engine/attacks/attack-loop'
import { AttackRng } from '../../../../../main/engine/attacks/attack-rng'
import {
  emiCoefficients,
  enhancedMomentumEstimator
} from '../../../../../main/engine/attacks/gradient/enhanced-momentum'
import type { ModelOutput } from '../../../../../main/engine/attacks/gradient-oracle'
import {
  baseConfig,
  expectBitwiseEqual,
  linearModel,
  maxAbsDiff,
  referenceBim,
  tinyBatch,
  tinyModel,
  useCpu,
  values
} from '../attack-fixtures'

beforeAll(useCpu)
const emi = (samples: number, radius: number, mu = 1) => ({
  emi: { samples, radius, sampling: 'linear' as const, mu }
})

describe('EMI', () => {
  it('linear coefficients run from −η to η; N = 1 samples at c = 0', () => {
    expect(emiCoefficients({ samples: 5, radius: 2, sampling: 'linear' }, () => 0)).toEqual([
      -2, -1, 0, 1, 2
    ])
    expect(emiCoefficients({ samples: 1, radius: 7, sampling: 'linear' }, () => 0)).toEqual([0])
  })
  it('N = 1 ≡ MI with the same μ (bitwise); η = 0 ≈ MI (equal but for rounding of the mean)', () => {
    const model = tinyModel('small-resnet')
    const { x0, y } = tinyBatch(3)
    const mi = runAttack(model, x0, y, baseConfig({ mi: { mu: 1 } }))
    expectBitwiseEqual(runAttack(model, x0, y, baseConfig(emi(1, 7))), mi)
    const flat = runAttack(model, x0, y, baseConfig(emi(5, 0)))
    expect(values(tf.notEqual(flat, mi)).filter(Boolean).length / mi.size).toBeLessThan(0.05)
    model.params.dispose()
  })
  it('samples x_0 at t = 0, then points on x_t + c·α·d_{t−1} symmetric about x_t', () => {
    const samples: tf.Tensor4D[][] = [[], []]
    const x = tf.randomUniform([2, 4, 4, 1], 0, 1, 'float32', 1) as tf.Tensor4D
    const gradient = tf.randomNormal([2, 4, 4, 1], 0, 1, 'float32', 2) as tf.Tensor4D
    const estimator = enhancedMomentumEstimator(
      { samples: 5, radius: 3, sampling: 'linear' },
      {
        oracle: () => gradient.clone(),
        rng: new AttackRng(1),
        eps: 0.1,
        alpha: 0.01,
        norm: 'linf'
      },
      (t, z) => samples[t].push(tf.keep(z.clone()))
    )
    const f = () => ({}) as ModelOutput
    tf.tidy(() => estimator.estimate(f, x, x, 0))
    estimator.commit()
    tf.tidy(() => estimator.estimate(f, x, x, 1))
    for (const z of samples[0]) expect(maxAbsDiff(z, x)).toBe(0)
    const offsets = samples[1].map((z) => tf.sub(z, x))
    expect(maxAbsDiff(tf.addN(offsets), tf.zerosLike(x))).toBeLessThan(1e-6)
    // d_0 = g/meanAbs(g), so the outermost sample is x + 3·α·d_0.
    const d = tf.div(gradient, tf.mean(tf.abs(gradient), [1, 2, 3], true))
    expect(maxAbsDiff(offsets[4], tf.mul(d, 0.03))).toBeLessThan(1e-6)
    estimator.dispose()
  })
  it('C11 ≡ BIM bitwise', () => {
    const w = [0.5, -1, 0, 2, -0.3, 0.8]
    const linear = linearModel(w, -0.4)
    const x = tf.tensor4d([0.5, 0.5, 0.5, 0.98, 0.01, 0.3], [1, 1, 6, 1])
    const labels = tf.tensor1d([0], 'int32')
    const eps = 8 / 255
    const ref = referenceBim(linear, x, labels, eps, eps / 10, 7)
    expectBitwiseEqual(
      runAttack(linear, x, labels, baseConfig({ eps, alpha: eps / 10, steps: 7, ...emi(11, 7) })),
      ref
    )
  })
})
