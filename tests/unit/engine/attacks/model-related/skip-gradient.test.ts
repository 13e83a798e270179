import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  scaleGrad,
  skipGradientResidual
} from '../../../../../main/engine/attacks/model-related/skip-gradient'
import { EVAL } from '../../../../../main/engine/models/forward-context'
import { tinyBatch, tinyModel, useCpu, values } from '../attack-fixtures'

beforeAll(useCpu)

describe('SGM scaleGrad', () => {
  it('on a one-block linear residual net out = x + A·x the input gradient is (I + γ·Aᵀ)·dy (C12)', () => {
    const d = 4
    const a = [0.3, -1, 0.5, 2, 0.1, 0.7, -0.4, 1.5, -2, 0.2, 0.9, -0.6, 1.1, 0.4, -0.8, 0.05]
    const A = tf.tensor2d(a, [d, d])
    const x = tf.tensor4d([0.2, 0.4, 0.6, 0.8], [1, 1, d, 1])
    const dy = tf.tensor2d([1, -2, 0.5, 3], [1, d])
    for (const gamma of [0.2, 0.5, 1]) {
      const residual = skipGradientResidual(gamma)
      const out = (z: tf.Tensor) => {
        const flat = tf.reshape(z, [1, d])
        const ax = tf.reshape(tf.matMul(flat, A, false, true), [1, 1, d, 1]) as tf.Tensor4D
        return tf.sum(tf.mul(tf.reshape(tf.add(z, residual('block', ax, true)), [1, d]), dy))
      }
      const g = values(tf.grad(out)(x))
      // (I + γAᵀ)·dy, with dy as a column vector.
      const dyv = [1, -2, 0.5, 3]
      const expected = dyv.map(
        (v, i) => v + gamma * dyv.reduce((s, dj, j) => s + a[j * d + i] * dj, 0)
      )
      g.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5))
    }
    tf.dispose([A, x, dy])
  })

  it('leaves the forward pass and projection blocks alone; γ = 1 is the identity', () => {
    const x = tf.tensor4d([1, -2, 3, 4], [1, 1, 4, 1])
    expect(values(scaleGrad(0.2)(x))).toEqual(values(x))
    expect(scaleGrad(1)(x)).toBe(x)
    const g = tf.grad((z: tf.Tensor) =>
      tf.sum(skipGradientResidual(0.2)('b', z as tf.Tensor4D, false))
    )(x)
    expect(values(g)).toEqual([1, 1, 1, 1])
    tf.dispose([x, g])
  })

  it('does not change small-resnet logits, but changes its input gradient', () => {
    const model = tinyModel('small-resnet')
    const { x0, y } = tinyBatch(2)
    const ctx = { ...EVAL, transformResidual: skipGradientResidual(0.2) }
    expect(values(model.forward(x0, ctx))).toEqual(values(model.forward(x0, EVAL)))
    const grad = (c: typeof EVAL) =>
      tf.grad((z: tf.Tensor) =>
        tf.sum(tf.mul(model.forward(z as tf.Tensor4D, c), tf.oneHot(y, 3)))
      )(x0)
    expect(tf.max(tf.abs(tf.sub(grad(ctx), grad(EVAL)))).dataSync()[0]).toBeGreaterThan(1e-6)
    model.params.dispose()
  })
})
