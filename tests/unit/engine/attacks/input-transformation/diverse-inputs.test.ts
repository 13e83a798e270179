import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  applyDiverseInput,
  bilinearResize,
  drawDiverseInput,
  resizeMatrix
} from '../../../../../main/engine/attacks/input-transformation/diverse-inputs'
import { Rng } from '../../../../../main/engine/data/rng'
import { useCpu, values } from '../attack-fixtures'

beforeAll(useCpu)

describe('DI shrink-and-pad (D14)', () => {
  it('draws s ∈ [⌊rS⌋, S−1] and top, left ∈ [0, S−s−1] over many draws, covering the ranges', () => {
    const S = 32
    const sizes = new Set<number>()
    let coins = 0
    for (let i = 0; i < 3000; i++) {
      const d = drawDiverseInput(S, { resizeRate: 0.85, prob: 0.8 }, new Rng(1).fork(`d${i}`))
      expect(d.size).toBeGreaterThanOrEqual(27)
      expect(d.size).toBeLessThanOrEqual(S - 1)
      for (const o of [d.top, d.left]) {
        expect(o).toBeGreaterThanOrEqual(0)
        expect(o).toBeLessThanOrEqual(S - d.size - 1)
      }
      sizes.add(d.size)
      coins += d.applied ? 1 : 0
    }
    expect([...sizes].sort((a, b) => a - b)).toEqual([27, 28, 29, 30, 31])
    expect(coins / 3000).toBeCloseTo(0.8, 1)
  })

  it('output is [B,S,S,C]: zero border, inner window equal to the resized input', () => {
    const x = tf.randomUniform([2, 10, 10, 3], 0, 1, 'float32', 5) as tf.Tensor4D
    const draw = { applied: true, size: 7, top: 1, left: 2 }
    const u = applyDiverseInput(x, draw)
    expect(u.shape).toEqual([2, 10, 10, 3])
    const inner = tf.slice(u, [0, 1, 2, 0], [2, 7, 7, 3])
    expect(tf.max(tf.abs(tf.sub(inner, bilinearResize(x, 7, 7)))).dataSync()[0]).toBe(0)
    const total = tf.sum(tf.abs(u)).dataSync()[0]
    expect(tf.sum(tf.abs(inner)).dataSync()[0]).toBeCloseTo(total, 3)
    // The resize agrees with tfjs' half-pixel bilinear forward kernel.
    const reference = tf.image.resizeBilinear(x, [7, 7], false, true)
    expect(tf.max(tf.abs(tf.sub(reference, bilinearResize(x, 7, 7)))).dataSync()[0]).toBeLessThan(
      1e-5
    )
    tf.dispose([x, u, inner, reference])
  })

  it('rows of the interpolation matrix sum to 1', () => {
    const m = resizeMatrix(5, 9)
    for (let i = 0; i < 5; i++)
      expect(Array.from(m.slice(i * 9, i * 9 + 9)).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6)
  })

  it('the gradient of sum(u·Q) matches finite differences, for a batch of 2', () => {
    const shape: [number, number, number, number] = [2, 6, 6, 2]
    const x = tf.randomUniform(shape, 0, 1, 'float32', 1) as tf.Tensor4D
    const Q = tf.randomNormal(shape, 0, 1, 'float32', 2)
    const draw = { applied: true, size: 4, top: 1, left: 0 }
    const f = (z: tf.Tensor) => tf.sum(tf.mul(applyDiverseInput(z as tf.Tensor4D, draw), Q))
    const g = values(tf.grad(f)(x))
    const base = values(x)
    const h = 1e-2
    for (const i of [0, 7, 20, 33, 50, 71]) {
      const plus = base.slice()
      const minus = base.slice()
      plus[i] += h
      minus[i] -= h
      const fd =
        (f(tf.tensor4d(plus, shape)).dataSync()[0] - f(tf.tensor4d(minus, shape)).dataSync()[0]) /
        (2 * h)
      expect(g[i]).toBeCloseTo(fd, 2)
    }
    expect(g.some((v) => Math.abs(v) > 1e-3)).toBe(true)
    tf.dispose([x, Q])
  })

  it('is the identity when the coin says no', () => {
    const x = tf.ones([1, 4, 4, 1]) as tf.Tensor4D
    expect(applyDiverseInput(x, { applied: false, size: 3, top: 0, left: 0 })).toBe(x)
    x.dispose()
  })
})
