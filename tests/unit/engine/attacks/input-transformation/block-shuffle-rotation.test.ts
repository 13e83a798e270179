/** BSR oracles (spec attacks-more.md §2.4): lengths, permutation gradient, rotation sampler, reduction, C11. */
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { runAttack } from '../../../../../main/engine/attacks/attack-loop'
import {
  applySampler,
  bsrSampler,
  splitLengths
} from '../../../../../main/engine/attacks/input-transformation/block-shuffle-rotation'
import { Rng } from '../../../../../main/engine/data/rng'
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

describe('BSR geometry', () => {
  it('splits a side into lengths that sum to it, each ≥ 2 px', () => {
    const rng = new Rng(1)
    for (let i = 0; i < 300; i++)
      for (const n of [2, 3, 4]) {
        const lengths = splitLengths(28, n, rng)
        expect(lengths.reduce((s, v) => s + v, 0)).toBe(28)
        expect(Math.min(...lengths)).toBeGreaterThanOrEqual(2)
      }
  })
  it('with τ = 0 a copy is a pixel permutation, and its gradient is the inverse permutation of the upstream one', () => {
    const sampler = bsrSampler(2, 8, 8, 3, 0, new Rng(5))
    const sources = Array.from(sampler.indices[0]).sort((a, b) => a - b)
    expect(sources).toEqual(Array.from({ length: 128 }, (_, i) => i))
    expect(Array.from(sampler.weights[0]).every((w) => w === 1)).toBe(true)
    const z = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 2) as tf.Tensor4D
    const q = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 3)
    const grad = values(
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(applySampler(x as tf.Tensor4D, sampler), q)))(z)
    )
    const upstream = values(q)
    sampler.indices[0].forEach((source, out) => expect(grad[source]).toBe(upstream[out]))
  })
  it('θ = 0 is the identity bitwise, and θ = 90° on a square block is a quarter turn', () => {
    const z = tf.randomUniform([1, 6, 6, 2], 0, 1, 'float32', 6) as tf.Tensor4D
    expectBitwiseEqual(applySampler(z, bsrSampler(1, 6, 6, 1, 0, new Rng(1))), z)
    const up = { next: () => 1, int: () => 0, shuffle: <T>(a: T[]) => a } as unknown as Rng
    const turned = applySampler(z, bsrSampler(1, 6, 6, 1, 90, up))
    const quarter = [
      tf.reverse(tf.transpose(z, [0, 2, 1, 3]), 1),
      tf.reverse(tf.transpose(z, [0, 2, 1, 3]), 2)
    ]
    expect(Math.min(...quarter.map((r) => maxAbsDiff(turned, r)))).toBeLessThan(1e-6)
  })
})

describe('BSR in the loop', () => {
  it('n = 1 and τ = 0 ≡ BIM bitwise (N = 1)', () => {
    const model = tinyModel('small-resnet')
    const { x0, y } = tinyBatch(2)
    const ref = referenceBim(model, x0, y, 8 / 255, 2 / 255, 6)
    const adv = runAttack(model, x0, y, baseConfig({ bsr: { grid: 1, copies: 1, maxAngle: 0 } }))
    expectBitwiseEqual(adv, ref)
    model.params.dispose()
  })
  it('C11 with w > 0: every pixel moves up or stays (corners turned out of view get no gradient)', () => {
    const linear = linearModel(Array(16).fill(1), -2)
    const x = tf.fill([1, 4, 4, 1], 0.5) as tf.Tensor4D
    const adv = runAttack(
      { ...linear, config: { ...linear.config, inputShape: [4, 4, 1] } },
      x,
      tf.tensor1d([0], 'int32'),
      baseConfig({ bsr: { grid: 2, copies: 3, maxAngle: 24 } })
    )
    for (const d of values(tf.sub(adv, x))) expect(d).toBeGreaterThanOrEqual(0)
    expect(values(tf.sub(adv, x)).some((d) => d > 0)).toBe(true)
  })
})
