/** FIA oracles (spec attacks-more.md §4.3): logits as the layer ≡ logit loss, clean importance, mask rate, errors. */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { runAttack } from '../../../../../main/engine/attacks/attack-loop'
import { AttackRng } from '../../../../../main/engine/attacks/attack-rng'
import { featureImportance } from '../../../../../main/engine/attacks/objective/feature-importance'
import type { Classifier } from '../../../../../main/engine/models/classifier'
import { EVAL, tapFeature } from '../../../../../main/engine/models/forward-context'
import {
  baseConfig,
  expectBitwiseEqual,
  maxAbsDiff,
  tinyBatch,
  tinyModel,
  useCpu
} from '../attack-fixtures'

beforeAll(useCpu)

/** The model with its logits exposed as a feature layer. */
const withLogitsLayer = (model: Classifier): Classifier => ({
  ...model,
  featureLayers: ['logits'],
  forward: (x, ctx) => tapFeature(ctx, 'logits', model.forward(x, ctx))
})

describe('FIA', () => {
  it('with the logits as the layer, Δ̄ = e_y exactly and FIA ≡ the untargeted logit loss (bitwise)', () => {
    const model = withLogitsLayer(tinyModel('small-resnet'))
    const { x0, y } = tinyBatch(3)
    const importance = featureImportance(
      (x, _n, tap) => model.forward(x, { ...EVAL, tapFeature: tap }),
      x0,
      y,
      { copies: 4, dropProb: 0.3 },
      'logits',
      new AttackRng(1)
    )
    expectBitwiseEqual(importance, tf.oneHot(y, 3).toFloat())
    const fia = runAttack(
      model,
      x0,
      y,
      baseConfig({ fia: { layer: 'logits', copies: 4, dropProb: 0.3 } })
    )
    const logit = runAttack(model, x0, y, baseConfig({ logit: {} }))
    expectBitwiseEqual(fia, logit)
    model.params.dispose()
  })
  it('with p_d = 0, Δ̄ is the normalised gradient of the true logit at the clean image', () => {
    const model = tinyModel('small-cnn')
    const { x0, y } = tinyBatch(2)
    const layer = 'stage2'
    const importance = featureImportance(
      (x, _n, tap) => model.forward(x, { ...EVAL, tapFeature: tap }),
      x0,
      y,
      { copies: 3, dropProb: 0 },
      layer,
      new AttackRng(1)
    )
    // Direct: differentiate z_y with respect to h by feeding h + δ and taking ∂/∂δ at δ = 0.
    let shape: number[] = []
    model.forward(x0, { ...EVAL, tapFeature: (n, h) => (n === layer && (shape = h.shape), h) })
    const grad = tf.grad((delta: tf.Tensor) =>
      tf.sum(
        tf.mul(
          model.forward(x0, {
            ...EVAL,
            tapFeature: (n, h) => (n === layer ? tf.add(h, delta) : h)
          }),
          tf.oneHot(y, 3)
        )
      )
    )(tf.zeros(shape))
    const flat = tf.reshape(grad, [2, -1])
    const expected = tf.reshape(tf.div(flat, tf.norm(flat, 'euclidean', 1, true)), shape)
    expect(maxAbsDiff(importance, expected)).toBeLessThan(1e-6)
    model.params.dispose()
  })
  it('drops pixels with probability p_d (a dropped pixel is black)', () => {
    const model = tinyModel('small-cnn')
    const ones = tf.ones([4, 8, 8, 1]) as tf.Tensor4D
    const kept: number[] = []
    featureImportance(
      (x, _n, tap) => (
        kept.push(tf.mean(x).dataSync()[0]),
        model.forward(x, { ...EVAL, tapFeature: tap })
      ),
      ones,
      tf.tensor1d([0, 1, 2, 0], 'int32'),
      { copies: 10, dropProb: 0.3 },
      'stage1',
      new AttackRng(4)
    )
    const rate = kept.reduce((s, v) => s + v, 0) / kept.length
    // 2560 Bernoulli(0.7) draws: ± 4 std is ± 0.036.
    expect(Math.abs(rate - 0.7)).toBeLessThan(0.036)
    model.params.dispose()
  })
  it('names the technique and the field when the layer is missing or the mode is targeted', () => {
    const model = tinyModel('small-cnn')
    const { x0, y } = tinyBatch(2)
    expect(() =>
      runAttack(model, x0, y, baseConfig({ fia: { layer: 'block2', copies: 2, dropProb: 0.3 } }))
    ).toThrow(/^fia\.layer: "block2" is not a layer of architecture "small-cnn"/)
    expect(() =>
      runAttack(
        model,
        x0,
        y,
        baseConfig({ targeted: true, fia: { layer: 'auto', copies: 2, dropProb: 0.3 } })
      )
    ).toThrow(/^fia cannot run in targeted mode/)
    model.params.dispose()
  })
})
