import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { initBackend } from '../../../../main/engine/backend/select-backend'
import { range, type ImageDataset } from '../../../../main/engine/data/dataset'
import { Rng } from '../../../../main/engine/data/rng'
import { disposeMaps, type TensorMap } from '../../../../main/engine/minimizers/tensor-map'
import { buildClassifier } from '../../../../main/engine/models/architecture-registry'
import {
  finiteDifferenceHvp,
  finiteDifferenceStepCheck,
  type HessianVectorProduct
} from '../../../../main/engine/sharpness/fd-hvp'
import { hessianTrace } from '../../../../main/engine/sharpness/hutchinson'
import { topEigenvalue } from '../../../../main/engine/sharpness/power-iteration'
import { measureSharpness } from '../../../../main/engine/sharpness/sharpness'
import { diag, flatOf, QuadraticOracle } from '../../helpers/quadratic'
import { tinyConfig, tinyDataset } from '../../helpers/tiny-data'

let data: ImageDataset
beforeAll(async () => {
  await initBackend()
  data = await tinyDataset(64, 8)
})

const ROTATED = [
  [4.7380034, 0.8469637, 0, 0],
  [0.8469637, 2.2619966, 0, 0],
  [0, 0, 1, 0],
  [0, 0, 0, -1]
]

/** Exact Hv for a matrix over one tensor named "w". */
const matrixHvp =
  (M: number[][]): HessianVectorProduct =>
  (v) =>
    Promise.resolve(
      new Map([
        [
          'w',
          tf.tidy(() =>
            tf.reshape(tf.matMul(tf.tensor2d(M), tf.reshape(v.get('w')!, [-1, 1])), [-1])
          )
        ]
      ])
    )
const shapes = (n: number) => new Map([['w', [n]]])
const vector = (values: number[]): TensorMap => new Map([['w', tf.tensor1d(values)]])

describe('finiteDifferenceHvp (training spec §8.2)', () => {
  it('returns A v on a quadratic for any h, and restores the weights bitwise (oracle 32)', async () => {
    const q = new QuadraticOracle(
      [
        [3, 0.5],
        [0.5, 1]
      ],
      [['w', [0.3, -1.7]]]
    )
    const before = q.flat()
    const v = vector([2, -1])
    for (const [h, digits] of [
      [1e-3, 3],
      [0.25, 5]
    ] as const) {
      const hv = await finiteDifferenceHvp(q.weights, () => q.gradient('probe'), v, h)
      const [a, b] = flatOf(hv)
      expect(a).toBeCloseTo(3 * 2 - 0.5, digits)
      expect(b).toBeCloseTo(0.5 * 2 - 1, digits)
      disposeMaps(hv)
    }
    expect(q.flat()).toEqual(before)
    disposeMaps(v)
    q.dispose()
  })

  it('self-check: h and h/2 agree exactly on a quadratic and differ by 3h²/4·v³ on Σw⁴/4', async () => {
    const q = new QuadraticOracle(
      [
        [3, 0.5],
        [0.5, 1]
      ],
      [['w', [0.3, -1.7]]]
    )
    const v = vector([2, -1])
    expect(
      await finiteDifferenceStepCheck(q.weights, () => q.gradient('probe'), v, 0.25)
    ).toBeLessThan(1e-5)
    q.dispose()
    const w = tf.variable(tf.tensor1d([1, 2]))
    const unit = vector([1, 0])
    const check = await finiteDifferenceStepCheck(
      new Map([['w', w]]),
      () => Promise.resolve(new Map([['w', tf.pow(w, 3)]]) as TensorMap),
      unit,
      0.1
    )
    expect(check).toBeCloseTo((0.01 - 0.0025) / 3.01, 4)
    disposeMaps(v, unit)
    w.dispose()
  })

  it('gives 3w²v + h²v³ on L = Σw⁴/4 (oracle 33: w = (1, 2), v = (1, 0), h = 0.1 → 3.01)', async () => {
    const w = tf.variable(tf.tensor1d([1, 2]))
    const weights = new Map([['w', w]])
    const gradient = () => Promise.resolve(new Map([['w', tf.pow(w, 3)]]) as TensorMap)
    const v = vector([1, 0])
    const hv = await finiteDifferenceHvp(weights, gradient, v, 0.1)
    const [a, b] = flatOf(hv)
    expect(a).toBeCloseTo(3.01, 5)
    expect(b).toBeCloseTo(0, 5)
    disposeMaps(v, hv)
    w.dispose()
  })

  it('agrees with double backprop on a small MLP to ~1e-3 (oracle 34)', async () => {
    // tfjs's second-order path is exact only through ops whose gradient reads saved inputs: its
    // Tanh gradient (saved output) and the CE label path (Equal) break it, so the MLP uses a
    // square activation and a squared-error loss.
    const rng = new Rng(3)
    const x = tf.randomNormal([16, 5], 0, 1, 'float32', rng.seed()) as tf.Tensor2D
    const y = tf.randomNormal([16, 3], 0, 1, 'float32', rng.seed())
    const w1 = tf.variable(tf.randomNormal([5, 6], 0, 0.5, 'float32', rng.seed()))
    const w2 = tf.variable(tf.randomNormal([6, 3], 0, 0.5, 'float32', rng.seed()))
    const loss = (a: tf.Tensor, b: tf.Tensor) =>
      tf.mean(
        tf.square(tf.sub(tf.matMul(tf.square(tf.matMul(x, a as tf.Tensor2D)), b as tf.Tensor2D), y))
      ) as tf.Scalar
    const gradOf = tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(a, b))
    const v1 = tf.randomNormal([5, 6], 0, 1, 'float32', rng.seed())
    const v2 = tf.randomNormal([6, 3], 0, 1, 'float32', rng.seed())
    // Pearlmutter: Hv = ∇_w ⟨∇_w L(w), v⟩.
    const exact = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
      const [ga, gb] = gradOf([a, b])
      return tf.add(tf.sum(tf.mul(ga, v1)), tf.sum(tf.mul(gb, v2))) as tf.Scalar
    })([w1, w2])
    const weights = new Map([
      ['w1', w1],
      ['w2', w2]
    ])
    const gradient = () => {
      const [ga, gb] = gradOf([w1, w2])
      return Promise.resolve(
        new Map([
          ['w1', ga],
          ['w2', gb]
        ]) as TensorMap
      )
    }
    const fd = await finiteDifferenceHvp(
      weights,
      gradient,
      new Map([
        ['w1', v1],
        ['w2', v2]
      ]),
      1e-3
    )
    const e = [...exact[0].dataSync(), ...exact[1].dataSync()]
    const f = flatOf(fd)
    const norm = Math.hypot(...e)
    expect(Math.hypot(...e.map((ei, i) => ei - f[i])) / norm).toBeLessThan(2e-3)
    tf.dispose([x, y, w1, w2, v1, v2, ...exact, ...fd.values()])
  })
})

describe('topEigenvalue and hessianTrace (training spec §8.3–8.4)', () => {
  it('power iteration finds 5 on Q·diag(5, 2, 1, −1)·Qᵀ within 1e-3 (oracle 35), leaking nothing', async () => {
    const before = tf.memory().numTensors
    const result = await topEigenvalue(matrixHvp(ROTATED), shapes(4), { rng: new Rng(1) })
    expect(Math.abs(result.eigenvalue - 5) / 5).toBeLessThan(1e-3)
    expect(result.converged).toBe(true)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('Hutchinson: each sample is the trace on a diagonal Hessian (oracle 36)', async () => {
    const result = await hessianTrace(matrixHvp(diag(1, 2, 3, 4)), shapes(4), {
      samples: 5,
      rng: new Rng(2)
    })
    expect(result.samples).toEqual([10, 10, 10, 10, 10])
    expect(result.trace).toBe(10)
    expect(result.standardError).toBe(0)
  })

  it('Hutchinson: the mean converges to 7 with per-sample variance 2Σ_{i≠j}H_ij² ≈ 2.869 (oracle 36)', async () => {
    const result = await hessianTrace(matrixHvp(ROTATED), shapes(4), {
      samples: 3000,
      rng: new Rng(3)
    })
    expect(Math.abs(result.trace - 7)).toBeLessThan(4 * result.standardError + 1e-6)
    const variance = result.standardError ** 2 * result.samples.length
    expect(variance).toBeGreaterThan(2.869 * 0.85)
    expect(variance).toBeLessThan(2.869 * 1.15)
  })

  it('stops by the tolerance rule when no sample count is forced', async () => {
    const result = await hessianTrace(matrixHvp(diag(1, 2, 3, 4)), shapes(4), { rng: new Rng(2) })
    expect(result.samples.length).toBe(2)
  })
})

describe('measureSharpness on a real model', () => {
  it('measures positive curvature and leaves weights and BN buffers bitwise untouched (oracle 37)', async () => {
    const model = buildClassifier(tinyConfig('small-cnn', 4), new Rng(1))
    const dump = () => [...model.params.all()].map(([name, v]) => [name, Array.from(v.dataSync())])
    const before = dump()
    const tensors = tf.memory().numTensors
    const result = await measureSharpness(model, data.train, {
      indices: range(64),
      batchSize: 32,
      maxIter: 8,
      traceSamples: 2,
      checkStep: true,
      rng: new Rng(4)
    })
    expect(dump()).toEqual(before)
    expect(tf.memory().numTensors).toBe(tensors)
    expect(result.topEigenvalue.eigenvalue).toBeGreaterThan(0)
    expect(Number.isFinite(result.trace.trace)).toBe(true)
    expect(result.hvps).toBe(result.topEigenvalue.iterations + 2 + 2)
    // The self-check runs and reports a relative disagreement. On this untrained ReLU net it is
    // large (BN β = 0 puts dead patches exactly on ReLU kinks), which is what the check is for.
    expect(Number.isFinite(result.stepCheck)).toBe(true)
    expect(result.stepCheck).toBeGreaterThanOrEqual(0)
    model.params.dispose()
  })

  it('names the problem when the sample is empty', async () => {
    const model = buildClassifier(tinyConfig('small-cnn', 4), new Rng(1))
    await expect(
      measureSharpness(model, data.train, { indices: [], rng: new Rng(1) })
    ).rejects.toThrow(/sharpness sample is empty/)
    model.params.dispose()
  })
})
