/** Logit and margin losses (spec attacks-more.md §4.1): toy 2, the κ cap, reductions and fusion. */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { runAttack } from '../../../../../main/engine/attacks/attack-loop'
import { marginLoss } from '../../../../../main/engine/attacks/objective/margin-loss'
import type { Classifier } from '../../../../../main/engine/models/classifier'
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

/** Toy 2: logits [−u, u] with u = w·x + b. */
function toy2(w: number[], b: number): Classifier {
  const inner = linearModel(w, b)
  return {
    ...inner,
    forward: (x, ctx) =>
      tf.matMul(
        tf.slice(inner.forward(x, ctx), [0, 1], [-1, 1]),
        tf.tensor2d([[-1, 1]])
      ) as tf.Tensor2D
  }
}

describe('logit and margin losses', () => {
  const w = [0.5, -1, 0, 2, -0.3, 0.8]
  const model = toy2(w, -0.4)
  const x = tf.tensor4d([0.5, 0.5, 0.5, 0.98, 0.01, 0.3], [1, 1, 6, 1])
  const eps = 8 / 255
  const config = (extra: object) => baseConfig({ eps, alpha: eps / 10, steps: 7, ...extra })
  it('toy 2: every loss in both modes is a positive multiple of w, so ≡ BIM bitwise', () => {
    const ref = referenceBim(model, x, tf.tensor1d([0], 'int32'), eps, eps / 10, 7)
    const untargeted = tf.tensor1d([0], 'int32')
    const target = tf.tensor1d([1], 'int32')
    for (const [labels, extra] of [
      [untargeted, { logit: {} }],
      [target, { logit: {}, targeted: true }],
      [untargeted, { margin: {} }],
      [target, { margin: {}, targeted: true }],
      [target, { targeted: true }]
    ] as const)
      expectBitwiseEqual(runAttack(model, x, labels, config(extra)), ref)
  })
  it('κ caps the margin: once reached, the gradient is 0 and the iterate stops', () => {
    const z = tf.variable(tf.tensor2d([[0.1, 0.5, 0.2]]))
    const grad = tf.grad((v: tf.Tensor) =>
      tf.sum(marginLoss(v as tf.Tensor2D, tf.tensor1d([0], 'int32'), false, 0.3))
    )(z)
    expect(values(grad)).toEqual([0, 0, 0])
    // The clean margin is 2u; a cap 0.1 above it is reached after a few steps (each adds 2·α·Σ|w| ≈ 0.03).
    const margin0 = values(model.forward(x, { training: false }))[1] * 2
    const kappa = margin0 + 0.1
    const adv = runAttack(
      model,
      x,
      tf.tensor1d([0], 'int32'),
      config({ margin: { kappa }, steps: 40 })
    )
    const more = runAttack(
      model,
      x,
      tf.tensor1d([0], 'int32'),
      config({ margin: { kappa }, steps: 60 })
    )
    expectBitwiseEqual(more, adv)
    expect(maxAbsDiff(adv, x)).toBeGreaterThan(0)
    expect(maxAbsDiff(adv, x)).toBeLessThan(eps)
    expect(values(model.forward(adv, { training: false }))[1] * 2).toBeGreaterThanOrEqual(
      kappa - 1e-4
    )
  })
  it('SUM and MEAN reductions agree, and with the logit loss, logit fusion ≈ loss fusion', () => {
    const net = tinyModel('small-resnet')
    const other = tinyModel('small-resnet', 4)
    const { x0, y } = tinyBatch(3)
    for (const extra of [{ logit: {} }, { margin: {} }]) {
      const a = runAttack(net, x0, y, baseConfig({ ...extra, lossReduction: 'sum' }))
      const b = runAttack(net, x0, y, baseConfig({ ...extra, lossReduction: 'mean' }))
      expect(maxAbsDiff(a, b)).toBeLessThanOrEqual(1e-6)
    }
    const fused = (fusion: 'logits' | 'loss') =>
      runAttack(net, x0, y, baseConfig({ logit: {}, ens: { members: [net, other], fusion } }))
    expect(
      values(tf.notEqual(fused('logits'), fused('loss'))).filter(Boolean).length / x0.size
    ).toBeLessThan(0.05)
    net.params.dispose()
    other.params.dispose()
  })
})
