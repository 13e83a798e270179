import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  SOFTMAX_CE,
  SOFTMAX_CE_GRAD
} from '../../../../main/engine/backend/softmax-cross-entropy-kernel'
import {
  crossEntropy,
  crossEntropySum,
  perExampleCrossEntropy
} from '../../../../main/engine/training/cross-entropy'
import {
  centralDifferences,
  pattern,
  relativeError,
  setUpWasmAndCpu,
  valuesOn
} from './backend-test-utils'

/** tfjs's op form, the reference: −Σ onehot · logSoftmax, per example, summed or averaged. */
function opForm(reduction: 'none' | 'sum' | 'mean') {
  return (logits: tf.Tensor, labels: tf.Tensor1D): tf.Tensor => {
    const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(labels, logits.shape[1]!)), 1)
    return tf.neg(
      reduction === 'none' ? picked : reduction === 'sum' ? tf.sum(picked) : tf.mean(picked)
    )
  }
}

const ours = {
  none: perExampleCrossEntropy,
  sum: crossEntropySum,
  mean: crossEntropy
} as const

// Logits spread over ±8 (as trained nets give) and labels with a repeat.
const logits = (): tf.Tensor2D => tf.mul(pattern([6, 10], 1), 4) as tf.Tensor2D
const labels = (): tf.Tensor1D => tf.tensor1d([3, 0, 9, 3, 5, 7], 'int32')

/** Per-example weights for the gradient of 'none' (a scalar loss from a vector). */
const weighted = (loss: tf.Tensor): tf.Scalar =>
  loss.rank === 0 ? (loss as tf.Scalar) : tf.sum(tf.mul(loss, pattern(loss.shape, 3)))

describe('softmax cross-entropy in one launch each way', () => {
  beforeAll(async () => {
    await setUpWasmAndCpu()
    await tf.setBackend('wasm')
  })

  for (const reduction of ['none', 'sum', 'mean'] as const) {
    it(`${reduction}: value and logits gradient match tfjs's op form on cpu, and finite differences`, async () => {
      const expected = await valuesOn('cpu', () => opForm(reduction)(logits(), labels()))
      const expectedGrad = await valuesOn('cpu', () =>
        tf.grad((l: tf.Tensor) => weighted(opForm(reduction)(l, labels())))(logits())
      )
      for (const backend of ['wasm', 'cpu'] as const) {
        const value = await valuesOn(backend, () => ours[reduction](logits(), labels()))
        const grad = await valuesOn(backend, () =>
          tf.grad((l: tf.Tensor) => weighted(ours[reduction](l as tf.Tensor2D, labels())))(logits())
        )
        expect(relativeError(expected, value), backend).toBeLessThan(1e-6)
        expect(relativeError(expectedGrad, grad), backend).toBeLessThan(1e-6)
      }
      await tf.setBackend('wasm')
      const y = labels()
      const f = (l: tf.Tensor): tf.Scalar => weighted(ours[reduction](l as tf.Tensor2D, y))
      const x = logits()
      const dx = tf.grad(f)(x)
      expect(relativeError(centralDifferences(f, x), dx.dataSync() as Float32Array)).toBeLessThan(
        2e-2
      )
      tf.dispose([x, y, dx])
    })
  }

  it('a training loss and its gradient are two launches, and leave no tensor behind', async () => {
    await tf.setBackend('wasm')
    const [x, y] = [logits(), labels()]
    const before = tf.memory().numTensors
    const profile = await tf.profile(() =>
      tf.grad((l: tf.Tensor) => crossEntropy(l as tf.Tensor2D, y))(x)
    )
    tf.dispose(profile.result as tf.Tensor)
    const names = profile.kernels.map((k) => k.name).filter((n) => n !== 'Fill') // the seed dy = 1
    expect(names).toEqual([SOFTMAX_CE, SOFTMAX_CE_GRAD])
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([x, y])
  })

  it('a label outside the classes counts 0, as tfjs’s oneHot row of zeros does', async () => {
    const bad = () => tf.tensor1d([3, -1, 9, 10, 5, 7], 'int32')
    for (const reduction of ['none', 'mean'] as const) {
      const expected = await valuesOn('cpu', () => opForm(reduction)(logits(), bad()))
      const expectedGrad = await valuesOn('cpu', () =>
        tf.grad((l: tf.Tensor) => weighted(opForm(reduction)(l, bad())))(logits())
      )
      const value = await valuesOn('wasm', () => ours[reduction](logits(), bad()))
      const grad = await valuesOn('wasm', () =>
        tf.grad((l: tf.Tensor) => weighted(ours[reduction](l as tf.Tensor2D, bad())))(logits())
      )
      expect(relativeError(expected, value)).toBeLessThan(1e-6)
      expect(relativeError(expectedGrad, grad)).toBeLessThan(1e-6)
    }
  })

  it('a NaN or infinite logit makes the loss NaN (the trainer stops on it)', async () => {
    await tf.setBackend('wasm')
    for (const bad of [NaN, Infinity]) {
      const l = tf.tensor2d([
        [0, 1, bad],
        [1, 2, 3]
      ])
      const loss = crossEntropy(l, tf.tensor1d([0, 1], 'int32'))
      expect(Number.isNaN((await loss.data())[0])).toBe(true)
      tf.dispose([l, loss])
    }
  })

  it('logits without a class are refused, not a loss of 0', async () => {
    await tf.setBackend('wasm')
    expect(() =>
      tf.tidy(() => crossEntropy(tf.zeros([2, 0]) as tf.Tensor2D, tf.tensor1d([0, 0], 'int32')))
    ).toThrow(/logits \[2,0\] have no classes/)
  })

  it('float labels still get tfjs’s error naming int32', async () => {
    await tf.setBackend('wasm')
    expect(() => tf.tidy(() => crossEntropy(logits(), tf.tensor1d([1, 2, 3, 4, 5, 6])))).toThrow(
      /int32/
    )
  })
})
