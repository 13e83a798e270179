/** Admix oracles (spec attacks-more.md §2.2): reductions to SI and BIM, add-ins, Jacobian, C11, pool errors. */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { runAttack } from '../../../../../main/engine/attacks/attack-loop'
import { AttackRng } from '../../../../../main/engine/attacks/attack-rng'
import {
  admixCandidates,
  admixGenerator,
  drawAddIns
} from '../../../../../main/engine/attacks/input-transformation/admix'
import {
  baseConfig,
  expectBitwiseEqual,
  linearModel,
  maxAbsDiff,
  referenceBim,
  tinyBatch,
  tinyModel,
  useCpu
} from '../attack-fixtures'

beforeAll(useCpu)

describe('Admix reductions', () => {
  it('η = 0 with one add-in ≡ SI(m₁) bitwise, and m₁ = m₂ = 1, η = 0 ≡ BIM', () => {
    const model = tinyModel('small-resnet')
    const { x0, y } = tinyBatch(3)
    const si = runAttack(model, x0, y, baseConfig({ si: { copies: 3 } }))
    const admix = runAttack(model, x0, y, baseConfig({ admix: { eta: 0, scales: 3, mixes: 1 } }))
    expectBitwiseEqual(admix, si)
    const bim = referenceBim(model, x0, y, 8 / 255, 2 / 255, 6)
    const one = runAttack(model, x0, y, baseConfig({ admix: { eta: 0, scales: 1, mixes: 1 } }))
    expectBitwiseEqual(one, bim)
    model.params.dispose()
  })
  it('C11: with an add-in of the other class, every copy’s gradient is a positive multiple of w ≡ BIM', () => {
    const w = [0.5, -1, 0, 2, -0.3, 0.8]
    const linear = linearModel(w, -0.4)
    const x = tf.tensor4d([0.5, 0.5, 0.5, 0.98, 0.01, 0.3], [1, 1, 6, 1])
    const labels = tf.tensor1d([0], 'int32')
    const pool = {
      images: tf.tensor4d([0.2, 0.9, 0.4, 0.1, 0.7, 0.3], [1, 1, 6, 1]),
      labels: Int32Array.from([1])
    }
    const eps = 8 / 255
    const ref = referenceBim(linear, x, labels, eps, eps / 10, 7)
    const adv = runAttack(
      linear,
      x,
      labels,
      baseConfig({ eps, alpha: eps / 10, steps: 7, admix: { eta: 0.2, scales: 3, mixes: 2, pool } })
    )
    expectBitwiseEqual(adv, ref)
  })
})

describe('Admix add-ins', () => {
  it('never draws the example itself or its class, over 1000 draws (pool = the batch)', () => {
    const poolLabels = Int32Array.from([0, 1, 2, 0, 1, 2, 1])
    const labels = Array.from(poolLabels)
    const candidates = admixCandidates(poolLabels, labels)
    const rng = new AttackRng(3)
    for (let call = 0; call < 1000; call++)
      drawAddIns(candidates, rng, 0, call, 0).forEach((index, b) => {
        expect(poolLabels[index]).not.toBe(labels[b])
        expect(index).not.toBe(b)
      })
  })
  it('the copy’s Jacobian is 2^−i whatever the add-in: ∂ sum(copy·Q)/∂z = Q/2^i', () => {
    const { x0 } = tinyBatch(2)
    const q = tf.randomNormal(x0.shape, 0, 1, 'float32', 9)
    for (const seed of [1, 2]) {
      const pool = {
        images: tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', seed) as tf.Tensor4D,
        labels: Int32Array.from([0, 1, 2, 1])
      }
      const generator = admixGenerator(
        { eta: 0.3, scales: 2, mixes: 2 },
        pool,
        [0, 2],
        new AttackRng(seed)
      )
      for (let k = 0; k < generator.count; k++) {
        const grad = tf.grad((z: tf.Tensor) =>
          tf.sum(tf.mul(generator.copy(z as tf.Tensor4D, k, 0, 0), q))
        )(x0)
        expect(maxAbsDiff(grad, tf.mul(q, 2 ** -Math.floor(k / 2)))).toBe(0)
      }
    }
  })
  it('names admix and what to do when the pool holds no other class', () => {
    expect(() => admixCandidates(Int32Array.from([1, 1]), [1])).toThrow(
      /admix needs clean images of another class than 1 .*remove "admix"/
    )
    const model = tinyModel('small-cnn')
    const x = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D
    expect(() =>
      runAttack(
        model,
        x,
        tf.tensor1d([1, 1], 'int32'),
        baseConfig({ admix: { eta: 0.2, scales: 1, mixes: 1 } })
      )
    ).toThrow(/admix needs clean images/)
    model.params.dispose()
  })
})
