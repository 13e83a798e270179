/** ILA oracles (spec attacks-more.md §4.2): identity and linear layers, projection values, unmoved examples, layer errors. */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkAttackPlan } from '../../../../../main/engine/attacks/attack-plan'
import { runAttack } from '../../../../../main/engine/attacks/attack-loop'
import {
  featureAt,
  ilaStage2
} from '../../../../../main/engine/attacks/objective/intermediate-level'
import type { Classifier } from '../../../../../main/engine/models/classifier'
import { tapFeature } from '../../../../../main/engine/models/forward-context'
import { AttackSpec, ModelSpec } from '../../../../../main/contract/audit-spec'
import {
  baseConfig,
  linearModel,
  maxAbsDiff,
  tinyBatch,
  tinyModel,
  useCpu,
  values
} from '../attack-fixtures'

beforeAll(useCpu)
const eps = 8 / 255

/** `model` with a tap at `layer` = f(input): the identity, or a fixed linear map A·x. */
function tapped(model: Classifier, layer: (x: tf.Tensor4D) => tf.Tensor): Classifier {
  return {
    ...model,
    featureLayers: ['h'],
    forward: (x, ctx) => (tapFeature(ctx, 'h', layer(x)), model.forward(x, ctx))
  }
}
const config = (steps: number) =>
  baseConfig({ eps, steps, ila: { layer: 'h', stage1Steps: steps / 2, alpha2: 0.25 } })

describe('ILA stage 2', () => {
  const w = [0.5, -1, 0, 2, -0.3, 0.8]
  const linear = linearModel(w, -0.4)
  const x0 = tf.tensor4d(
    [0.5, 0.5, 0.5, 0.98, 0.01, 0.3, 0.2, 0.7, 0.4, 0.6, 0.5, 0.9],
    [2, 1, 6, 1]
  )
  const stage1 = tf.add(
    x0,
    tf.tensor4d([0.01, -0.02, 0, 0.03, 0.01, -0.01, 0, 0, 0, 0, 0, 0], [2, 1, 6, 1])
  ) as tf.Tensor4D

  it('with the input as the layer, returns clip(x0 + min(T₂α₂, ε)·sign(x″ − x0)); an unmoved example keeps x″', () => {
    const adv = ilaStage2(
      tapped(linear, (x) => x),
      x0,
      stage1,
      config(6)
    )
    const start = values(x0)
    const shift = values(tf.sub(stage1, x0))
    const step = Math.min(3 * 0.25 * eps, eps)
    values(adv).forEach((v, i) => {
      if (i < 6)
        expect(v).toBeCloseTo(Math.min(1, Math.max(0, start[i] + step * Math.sign(shift[i]))), 6)
      else expect(v).toBe(values(stage1)[i]) // example 2: stage 1 did not move it
    })
  })
  it('with a linear layer h = A·x, steps along sign(AᵀA(x″ − x0)); L_ILA(x″) = 1 and L_ILA(x0) = 0', () => {
    const a = tf.randomNormal([6, 4], 0, 1, 'float32', 3)
    const model = tapped(linear, (x) => tf.matMul(tf.reshape(x, [x.shape[0], 6]), a))
    const one = (t: tf.Tensor4D) => tf.slice(t, [0, 0, 0, 0], [1, 1, 6, 1]) as tf.Tensor4D
    const adv = ilaStage2(model, one(x0), one(stage1), {
      ...config(2),
      ila: { layer: 'h', stage1Steps: 1, alpha2: 0.1 }
    })
    const direction = tf.matMul(
      tf.matMul(tf.reshape(tf.sub(one(stage1), one(x0)), [1, 6]), a),
      a,
      false,
      true
    )
    expect(values(tf.sign(tf.sub(adv, one(x0))))).toEqual(values(tf.sign(direction)))
    const shift = tf.sub(featureAt(model, 'h', one(stage1)), featureAt(model, 'h', one(x0)))
    const lIla = (x: tf.Tensor4D) =>
      tf
        .div(
          tf.sum(tf.mul(tf.sub(featureAt(model, 'h', x), featureAt(model, 'h', one(x0))), shift)),
          tf.sum(tf.square(shift))
        )
        .dataSync()[0]
    expect(lIla(one(stage1))).toBeCloseTo(1, 5)
    expect(lIla(one(x0))).toBe(0)
  })
})

describe('ILA in the loop', () => {
  it('runs stage 1 then restarts from x0; the result stays in the ε-box', () => {
    const model = tinyModel('small-resnet')
    const { x0, y } = tinyBatch(2)
    const adv = runAttack(
      model,
      x0,
      y,
      baseConfig({ eps, steps: 4, ila: { layer: 'auto', alpha2: 0.2 } })
    )
    expect(maxAbsDiff(adv, x0)).toBeLessThanOrEqual(eps + 1e-6)
    expect(maxAbsDiff(adv, x0)).toBeGreaterThan(0)
    model.params.dispose()
  })
  it('names the technique and the field when the layer is missing, and when the model has none', () => {
    const model = tinyModel('small-resnet')
    const { x0, y } = tinyBatch(2)
    expect(() =>
      runAttack(model, x0, y, baseConfig({ ila: { layer: 'block9', alpha2: 0.2 } }))
    ).toThrow(
      /^ila\.layer: "block9" is not a layer of architecture "small-resnet": use "auto" or one of stem, block1, block2, block3$/
    )
    const plain = linearModel([1, 2], 0)
    expect(() =>
      runAttack(
        plain,
        tf.zeros([1, 1, 2, 1]),
        tf.tensor1d([0], 'int32'),
        baseConfig({ ila: { layer: 'auto', alpha2: 0.2 } })
      )
    ).toThrow(
      /^ila\.layer: ila needs an intermediate layer of the surrogate, but architecture "small-cnn" exposes none/
    )
    model.params.dispose()
  })
  it('checks a named layer against every surrogate before training', () => {
    const attack = AttackSpec.parse({ stack: { ila: { layer: 'block2' } } })
    expect(() =>
      checkAttackPlan(attack, [ModelSpec.parse({ name: 'r', arch: 'small-resnet', width: 4 })])
    ).not.toThrow()
    expect(() =>
      checkAttackPlan(attack, [ModelSpec.parse({ name: 'c', arch: 'small-cnn', width: 4 })])
    ).toThrow(
      /^attack\.stack\.ila\.layer: "block2" is not a layer of architecture "small-cnn": use "auto" or one of stage1, stage2, stage3 \(surrogate "c"\)$/
    )
  })
})
