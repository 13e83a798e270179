import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { rapInner } from '../../../../../main/engine/attacks/gradient/reverse-adversarial'
import { Rng } from '../../../../../main/engine/data/rng'
import { EVAL } from '../../../../../main/engine/models/forward-context'
import { crossEntropySum } from '../../../../../main/engine/training/cross-entropy'
import { linearModel, useCpu, values } from '../attack-fixtures'

beforeAll(useCpu)

describe('RAP inner loop (C13)', () => {
  const w = [0.5, -1, 2, -0.3, 0.8]
  const model = linearModel(w, -0.4)
  const y = tf.tensor1d([0], 'int32')
  const loss = (z: tf.Tensor) => crossEntropySum(model.forward(z as tf.Tensor4D, EVAL), y)
  const grad = (z: tf.Tensor4D) => tf.grad(loss)(z) as tf.Tensor4D
  const settings = { innerSteps: 4, epsN: 6 / 255, alphaN: 2 / 255, randomInit: true }

  for (const norm of ['linf', 'l2'] as const) {
    it(`lowers the (convex) loss from its start, keeps |n| ≤ ε_n and x + n in [0,1] (${norm})`, () => {
      const x = tf.tensor4d([0.5, 0.5, 0.99, 0.01, 0.3], [1, 1, 5, 1])
      const steps: tf.Tensor4D[] = []
      const n = rapInner(x, settings, norm, new Rng(3), grad, (s) =>
        steps.push(tf.keep(tf.clone(s)))
      )
      const start = tf.tidy(() =>
        rapInner(x, { ...settings, innerSteps: 0 }, norm, new Rng(3), grad)
      )
      expect(loss(tf.add(x, n)).dataSync()[0]).toBeLessThanOrEqual(
        loss(tf.add(x, start)).dataSync()[0]
      )
      const size = norm === 'linf' ? tf.max(tf.abs(n)).dataSync()[0] : tf.norm(n).dataSync()[0]
      expect(size).toBeLessThanOrEqual(settings.epsN * (1 + 1e-6))
      const z = values(tf.add(x, n))
      expect(Math.min(...z)).toBeGreaterThanOrEqual(0)
      expect(Math.max(...z)).toBeLessThanOrEqual(1)
      tf.dispose([x, n, start, ...steps])
    })
  }

  it('on the binary linear model every inner step moves n toward −ε_n·sign(w)', () => {
    const x = tf.tensor4d([0.5, 0.5, 0.5, 0.5, 0.5], [1, 1, 5, 1])
    const trail: number[][] = [
      values(rapInner(x, { ...settings, innerSteps: 0 }, 'linf', new Rng(9), grad))
    ]
    // 6 steps of 2/255 cover the 12/255 from any start in the box to the corner.
    rapInner(x, { ...settings, innerSteps: 6 }, 'linf', new Rng(9), grad, (n) =>
      trail.push(values(n))
    )
    for (let j = 1; j < trail.length; j++)
      for (let i = 0; i < w.length; i++) {
        const goal = -settings.epsN * Math.sign(w[i])
        expect(Math.abs(trail[j][i] - goal)).toBeLessThanOrEqual(
          Math.abs(trail[j - 1][i] - goal) + 1e-7
        )
      }
    for (let i = 0; i < w.length; i++)
      expect(trail[trail.length - 1][i]).toBeCloseTo(-settings.epsN * Math.sign(w[i]), 6)
    x.dispose()
  })
})
