/** TI oracles (spec attacks-more.md §2.1): kernel, spike, zero-padding values, reduction and C11. */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { runAttack } from '../../../../../main/engine/attacks/attack-loop'
import {
  tiGeometry,
  tiWeights,
  translationInvariantFilter
} from '../../../../../main/engine/attacks/input-transformation/translation-invariant'
import { linfStep } from '../../../../../main/engine/attacks/norm-step'
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

describe('TI kernel', () => {
  it('sums to 1, is symmetric and non-negative for every kind', () => {
    for (const kind of ['gaussian', 'uniform', 'linear'] as const) {
      const w = Array.from(tiWeights(kind, 0.8, 2))
      expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6)
      expect(w.every((v) => v >= 0)).toBe(true)
      expect(w).toEqual([...w].reverse())
    }
  })
  it('defaults to σ = 0.5 px, k = 1 up to 64 px and the release’s σ = 7/3, k = 7 above', () => {
    expect(tiGeometry({ kernel: 'gaussian' }, 28)).toEqual({ sigma: 0.5, radius: 1 })
    expect(tiGeometry({ kernel: 'gaussian' }, 299)).toEqual({ sigma: 7 / 3, radius: 7 })
  })
  it('places W at a one-hot spike, so one step moves exactly the (2k+1)² pixels of that channel', () => {
    const g = tf.buffer([1, 7, 7, 3])
    g.set(1, 0, 3, 3, 0)
    const filtered = translationInvariantFilter(
      { kernel: 'gaussian', sigma: 0.7, radius: 2 },
      7,
      3
    )(g.toTensor() as tf.Tensor4D)
    const w = tiWeights('gaussian', 0.7, 2)
    const out = filtered.arraySync()[0]
    for (let i = 0; i < 7; i++)
      for (let j = 0; j < 7; j++) {
        const inside = Math.abs(i - 3) <= 2 && Math.abs(j - 3) <= 2
        expect(out[i][j][0]).toBeCloseTo(inside ? w[(i - 1) * 5 + (j - 1)] : 0, 6)
        expect(out[i][j][1]).toBe(0)
      }
    const x = tf.fill([1, 7, 7, 3], 0.5) as tf.Tensor4D
    const stepped = linfStep(x, filtered, 0.1, tf.zerosLike(x), tf.onesLike(x))
    expect(values(tf.notEqual(stepped, x)).filter(Boolean).length).toBe(25)
  })
  it('zero-pads: a constant field 1 with k = 1, σ = 0.5 gives 1 inside, 0.8935 on edges, 0.7983 at corners', () => {
    const out = translationInvariantFilter(
      { kernel: 'gaussian', sigma: 0.5, radius: 1 },
      5,
      1
    )(tf.ones([1, 5, 5, 1]) as tf.Tensor4D).arraySync()[0]
    expect(out[2][2][0]).toBeCloseTo(1, 6)
    expect(out[0][2][0]).toBeCloseTo(0.8935, 4)
    expect(out[0][0][0]).toBeCloseTo(0.7983, 4)
  })
})

describe('TI in the loop', () => {
  it('k = 0 is TI off, bitwise', () => {
    const model = tinyModel('small-cnn')
    const { x0, y } = tinyBatch(2)
    const a = runAttack(model, x0, y, baseConfig({ ti: { kernel: 'gaussian', radius: 0 } }))
    const b = runAttack(model, x0, y, baseConfig())
    expectBitwiseEqual(a, b)
    model.params.dispose()
  })
  it('C11 with w > 0 everywhere ≡ BIM (the filter keeps every sign)', () => {
    const w = [0.5, 1, 0.2, 2, 0.3, 0.8]
    const linear = linearModel(w, -0.4)
    const x = tf.tensor4d([0.5, 0.5, 0.5, 0.98, 0.01, 0.3], [1, 1, 6, 1])
    const labels = tf.tensor1d([0], 'int32')
    const eps = 8 / 255
    const ref = referenceBim(linear, x, labels, eps, eps / 10, 7)
    const adv = runAttack(
      linear,
      x,
      labels,
      baseConfig({ eps, alpha: eps / 10, steps: 7, ti: { kernel: 'gaussian', sigma: 0.5 } })
    )
    expectBitwiseEqual(adv, ref)
  })
})
