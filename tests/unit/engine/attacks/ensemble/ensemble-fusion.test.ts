/** Ens oracles (spec attacks-more.md §5.1): identical members ≡ BIM, loss-fusion gradient, weights, errors. */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { runAttack } from '../../../../../main/engine/attacks/attack-loop'
import {
  fuseMembers,
  memberWeights
} from '../../../../../main/engine/attacks/ensemble/ensemble-fusion'
import { EVAL } from '../../../../../main/engine/models/forward-context'
import type { Classifier } from '../../../../../main/engine/models/classifier'
import { crossEntropy, crossEntropySum } from '../../../../../main/engine/training/cross-entropy'
import {
  baseConfig,
  expectBitwiseEqual,
  maxAbsDiff,
  referenceBim,
  tinyBatch,
  tinyModel,
  useCpu,
  values
} from '../attack-fixtures'

beforeAll(useCpu)
const copy = (c: Classifier): Classifier => ({ ...c })

describe('Ens', () => {
  it('two identical members ≡ BIM on that member: bitwise for logit fusion, up to rounding for loss fusion', () => {
    const model = tinyModel('small-resnet')
    const { x0, y } = tinyBatch(3)
    const ref = referenceBim(model, x0, y, 8 / 255, 2 / 255, 6)
    expectBitwiseEqual(
      runAttack(
        model,
        x0,
        y,
        baseConfig({ ens: { members: [model, copy(model)], fusion: 'logits' } })
      ),
      ref
    )
    for (const fusion of ['loss', 'probs'] as const) {
      const adv = runAttack(
        model,
        x0,
        y,
        baseConfig({ ens: { members: [model, copy(model)], fusion } })
      )
      expect(values(tf.notEqual(adv, ref)).filter(Boolean).length / ref.size, fusion).toBeLessThan(
        0.05
      )
    }
    model.params.dispose()
  })
  it('loss fusion’s gradient is Σ w_k ∇L_k, and probability fusion of one member is CE', () => {
    const a = tinyModel('small-resnet', 1)
    const b = tinyModel('small-cnn', 2)
    const { x0, y } = tinyBatch(2)
    const weights = [0.25, 0.75]
    const fusedLoss = (x: tf.Tensor) => {
      const out = fuseMembers(
        [a.forward(x as tf.Tensor4D, EVAL), b.forward(x as tf.Tensor4D, EVAL)],
        { fusion: 'loss', weights: [1, 3] }
      )
      return tf.addN(
        out.parts!.map((p) => tf.mul(crossEntropySum(p.logits, y), p.weight))
      ) as tf.Scalar
    }
    const each = [a, b].map((m) =>
      tf.grad((x: tf.Tensor) => crossEntropySum(m.forward(x as tf.Tensor4D, EVAL), y))(x0)
    )
    expect(
      maxAbsDiff(
        tf.grad(fusedLoss)(x0),
        tf.add(tf.mul(each[0], weights[0]), tf.mul(each[1], weights[1]))
      )
    ).toBeLessThan(1e-6)
    const logits = a.forward(x0, EVAL)
    const probs = fuseMembers([logits], { fusion: 'probs' }).logits
    expect(
      Math.abs(crossEntropy(probs, y).dataSync()[0] - crossEntropy(logits, y).dataSync()[0])
    ).toBeLessThan(1e-6)
    a.params.dispose()
    b.params.dispose()
  })
  it('renormalises weights, and needs one weight per member', () => {
    expect(memberWeights(2, [1, 3])).toEqual([0.25, 0.75])
    expect(memberWeights(4)).toEqual([0.25, 0.25, 0.25, 0.25])
    expect(() => memberWeights(3, [1, 1])).toThrow(/ens\.weights: 2 weights for 3 members/)
  })
  it('rejects an ensemble of one and members of different shapes, naming the field', () => {
    const model = tinyModel('small-resnet')
    const { x0, y } = tinyBatch(2)
    expect(() =>
      runAttack(model, x0, y, baseConfig({ ens: { members: [model], fusion: 'logits' } }))
    ).toThrow(/^ens\.members: an ensemble needs at least 2 surrogates, got 1/)
    const wide = { ...model, config: { ...model.config, numClasses: 5 } }
    expect(() =>
      runAttack(model, x0, y, baseConfig({ ens: { members: [model, wide], fusion: 'logits' } }))
    ).toThrow(/^ens\.members: members must share one input shape and label space/)
    model.params.dispose()
  })
})
