import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { AttackRng } from '../../../../../main/engine/attacks/attack-rng'
import { gradientOracle } from '../../../../../main/engine/attacks/gradient-oracle'
import { scaleCopy } from '../../../../../main/engine/attacks/input-transformation/scale-invariance'
import type { Classifier } from '../../../../../main/engine/models/classifier'
import { EVAL } from '../../../../../main/engine/models/forward-context'
import { crossEntropySum } from '../../../../../main/engine/training/cross-entropy'
import { maxAbsDiff, tinyBatch, tinyModel, useCpu } from '../attack-fixtures'

beforeAll(useCpu)

describe('SI oracle (D16)', () => {
  it('equals the explicit mean of the gradients at z/2^i', () => {
    const model = tinyModel('small-cnn')
    const { x0, y } = tinyBatch(2)
    const lossOf = (logits: tf.Tensor2D) => crossEntropySum(logits, y)
    const f = (x: tf.Tensor4D) => model.forward(x, EVAL)
    const oracle = gradientOracle(f, lossOf, x0, { si: { copies: 4 } }, new AttackRng(1), 0, 0)
    const parts = [0, 1, 2, 3].map((k) =>
      tf.grad((z: tf.Tensor) => lossOf(f(scaleCopy(z as tf.Tensor4D, k))))(x0)
    )
    const explicit = tf.div(tf.addN(parts), 4)
    expect(maxAbsDiff(oracle, explicit)).toBeLessThan(1e-6)
    model.params.dispose()
  })

  it('gives the same logits for every copy on an exactly scale-invariant classifier', () => {
    const { x0 } = tinyBatch(2)
    const base = tinyModel('small-cnn')
    // Per-image standardisation makes the classifier invariant to z → z/2^i.
    const invariant: Classifier = {
      ...base,
      forward: (x, ctx) => {
        const { mean, variance } = tf.moments(x, [1, 2, 3], true)
        return base.forward(
          tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-12))) as tf.Tensor4D,
          ctx
        )
      }
    }
    const first = invariant.forward(x0, EVAL)
    for (const k of [1, 2, 3, 4])
      expect(maxAbsDiff(invariant.forward(scaleCopy(x0, k), EVAL), first)).toBeLessThan(1e-4)
    base.params.dispose()
  })
})
