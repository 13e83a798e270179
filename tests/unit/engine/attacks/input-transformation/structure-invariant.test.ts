/** SIA oracles (spec attacks-more.md §2.3): ops, tiling, inverse gradients, identity reduction, C11. */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { runAttack } from '../../../../../main/engine/attacks/attack-loop'
import { dctLowPass } from '../../../../../main/engine/attacks/input-transformation/spatial-map'
import {
  applySiaOp,
  SIA_OPS,
  siaCuts,
  structureInvariantCopy
} from '../../../../../main/engine/attacks/input-transformation/structure-invariant'
import { Rng } from '../../../../../main/engine/data/rng'
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

/** A stream whose draws are all 0 (shift by 0, λ = 0). */
const zeros = {
  int: () => 0,
  next: () => 0,
  seed: () => 1,
  shuffle: <T>(a: T[]) => a
} as unknown as Rng

describe('SIA block operations', () => {
  const block = tf.randomUniform([2, 5, 3, 2], 0, 1, 'float32', 4) as tf.Tensor4D
  it('every op keeps the shape, on blocks down to 1 px', () => {
    for (const op of SIA_OPS) {
      expect(applySiaOp(op, block, new Rng(1)).shape, op).toEqual(block.shape)
      expect(applySiaOp(op, tf.ones([1, 1, 1, 1]) as tf.Tensor4D, new Rng(1)).shape, op).toEqual([
        1, 1, 1, 1
      ])
    }
  })
  it('flip∘flip = id, rot180 = vflip∘hflip, a shift by 0 = id, DCT low-pass with ratio 0 = id', () => {
    const rng = new Rng(2)
    expectBitwiseEqual(applySiaOp('vflip', applySiaOp('vflip', block, rng), rng), block)
    expectBitwiseEqual(
      applySiaOp('rot180', block, rng),
      applySiaOp('vflip', applySiaOp('hflip', block, rng), rng)
    )
    expectBitwiseEqual(applySiaOp('vshift', block, zeros), block)
    const identity = Array.from(dctLowPass(6, 0))
    identity.forEach((v, i) => expect(v).toBeCloseTo(i % 7 === 0 ? 1 : 0, 5))
  })
  it('the gradient of sum(op(z)·Q) is op⁻¹(Q) for the permutation ops', () => {
    const q = tf.randomNormal(block.shape, 0, 1, 'float32', 5) as tf.Tensor4D
    for (const op of ['vflip', 'hflip', 'rot180'] as const) {
      const grad = tf.grad((z: tf.Tensor) =>
        tf.sum(tf.mul(applySiaOp(op, z as tf.Tensor4D, zeros), q))
      )(block)
      expectBitwiseEqual(grad, applySiaOp(op, q, zeros))
    }
  })
  it('cuts tile the image exactly once: sorted, distinct, from 0 to the side', () => {
    const rng = new Rng(8)
    for (let i = 0; i < 200; i++) {
      const cuts = siaCuts(28, 3, rng)
      expect(cuts).toHaveLength(4)
      expect(cuts[0]).toBe(0)
      expect(cuts[3]).toBe(28)
      for (let j = 1; j < cuts.length; j++) expect(cuts[j]).toBeGreaterThan(cuts[j - 1])
    }
    const z = tf.randomUniform([1, 9, 9, 1], 0, 1, 'float32', 1) as tf.Tensor4D
    expectBitwiseEqual(structureInvariantCopy(z, 3, new Rng(4), ['identity']), z)
  })
})

describe('SIA in the loop', () => {
  it('ops = {identity} ≡ BIM bitwise (N = 1)', () => {
    const model = tinyModel('small-resnet')
    const { x0, y } = tinyBatch(2)
    const ref = referenceBim(model, x0, y, 8 / 255, 2 / 255, 6)
    const adv = runAttack(
      model,
      x0,
      y,
      baseConfig({ sia: { grid: 3, copies: 1, ops: ['identity'] } })
    )
    expectBitwiseEqual(adv, ref)
    model.params.dispose()
  })
  it('C11 with constant w > 0 and ops among shifts, flips and rot180 ≡ BIM', () => {
    const linear = linearModel([1, 1, 1, 1, 1, 1], -0.4)
    const x = tf.tensor4d([0.5, 0.5, 0.5, 0.98, 0.01, 0.3], [1, 1, 6, 1])
    const labels = tf.tensor1d([0], 'int32')
    const eps = 8 / 255
    const ref = referenceBim(linear, x, labels, eps, eps / 10, 7)
    const adv = runAttack(
      linear,
      x,
      labels,
      baseConfig({
        eps,
        alpha: eps / 10,
        steps: 7,
        sia: { grid: 2, copies: 4, ops: ['vshift', 'hshift', 'vflip', 'hflip', 'rot180'] }
      })
    )
    expect(maxAbsDiff(adv, ref)).toBe(0)
  })
})
