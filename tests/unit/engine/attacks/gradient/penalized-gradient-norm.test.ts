/** PGN oracles (spec attacks-more.md §3.3): reductions, descent step size and direction, C11, seeds. */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { runAttack } from '../../../../../main/engine/attacks/attack-loop'
import { pgnDescentPoint } from '../../../../../main/engine/attacks/gradient/penalized-gradient-norm'
import { EVAL } from '../../../../../main/engine/models/forward-context'
import { crossEntropySum } from '../../../../../main/engine/training/cross-entropy'
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
const pgn = (delta: number, zeta: number, samples = 3) => ({ pgn: { samples, delta, zeta, mu: 1 } })

describe('PGN', () => {
  it('ζ = δ = 0 ≈ MI (equal but for rounding of the mean)', () => {
    const model = tinyModel('small-resnet')
    const { x0, y } = tinyBatch(3)
    const mi = runAttack(model, x0, y, baseConfig({ mi: { mu: 1 } }))
    const flat = runAttack(model, x0, y, baseConfig(pgn(0, 0)))
    expect(values(tf.notEqual(flat, mi)).filter(Boolean).length / mi.size).toBeLessThan(0.05)
    model.params.dispose()
  })
  it('x* = x′ − α·g′/meanAbs(g′): meanAbs(x* − x′) = α, and the step lowers a convex loss', () => {
    const linear = linearModel([0.5, -1, 0.3, 2, -0.3, 0.8], 0.2)
    const x = tf.tensor4d([0.5, 0.4, 0.5, 0.6, 0.1, 0.3], [1, 1, 6, 1])
    const labels = tf.tensor1d([0], 'int32')
    const loss = (z: tf.Tensor) => crossEntropySum(linear.forward(z as tf.Tensor4D, EVAL), labels)
    const g = tf.grad(loss)(x) as tf.Tensor4D
    const alpha = 0.01
    const star = pgnDescentPoint(x, g, alpha)
    expect(tf.mean(tf.abs(tf.sub(star, x))).dataSync()[0]).toBeCloseTo(alpha, 7)
    expect(loss(star).dataSync()[0]).toBeLessThan(loss(x).dataSync()[0])
  })
  it('C11 ≡ BIM for every δ, and another seed changes the output when ζ > 0', () => {
    const linear = linearModel([0.5, -1, 0, 2, -0.3, 0.8], -0.4)
    const x = tf.tensor4d([0.5, 0.5, 0.5, 0.98, 0.01, 0.3], [1, 1, 6, 1])
    const labels = tf.tensor1d([0], 'int32')
    const eps = 8 / 255
    const ref = referenceBim(linear, x, labels, eps, eps / 10, 7)
    for (const delta of [0, 0.5, 1])
      expectBitwiseEqual(
        runAttack(
          linear,
          x,
          labels,
          baseConfig({ eps, alpha: eps / 10, steps: 7, ...pgn(delta, 3) })
        ),
        ref
      )
    const model = tinyModel('small-cnn')
    const { x0, y } = tinyBatch(2)
    const a = runAttack(model, x0, y, baseConfig({ ...pgn(0.5, 3), seed: 1 }))
    const b = runAttack(model, x0, y, baseConfig({ ...pgn(0.5, 3), seed: 2 }))
    expect(maxAbsDiff(a, b)).toBeGreaterThan(0)
    model.params.dispose()
  })
})
