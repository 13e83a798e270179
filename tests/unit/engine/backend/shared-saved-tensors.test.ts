import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { shareSavedTensors } from '../../../../main/engine/backend/shared-saved-tensors'
import {
  centralDifferences,
  pattern,
  relativeError,
  setUpWasmAndCpu,
  valuesOn
} from './backend-test-utils'

/** A training-style loss: every kernel in it saves inputs or outputs for its gradient. */
function loss(x: tf.Tensor): tf.Scalar {
  const h = tf.relu(tf.sub(x, 0.1))
  const { mean, variance } = tf.moments(h, [0, 1])
  const y = tf.div(tf.sub(h, mean), tf.sqrt(tf.add(variance, 1e-3)))
  return tf.sum(tf.mul(tf.mul(y, tf.exp(tf.mul(x, 0.3))), x))
}

describe('saved tensors shared without an Identity launch', () => {
  beforeAll(async () => {
    await setUpWasmAndCpu()
    await tf.setBackend('wasm')
  })

  it('was installed once (initBackend did)', () => {
    expect(shareSavedTensors()).toBe(false)
  })

  it('records a gradient without a single Identity launch', async () => {
    const x = pattern([4, 5, 3], 1)
    const profile = await tf.profile(() => tf.grad(loss)(x))
    const names = profile.kernels.map((k) => k.name)
    expect(names).toContain('Exp') // the profile did see the kernels
    expect(names.filter((n) => n === 'Identity')).toEqual([])
    x.dispose()
  })

  it('gives the cpu backend’s gradient and finite differences, without leaking tensors', async () => {
    const f = () => tf.grad(loss)(pattern([4, 5, 3], 1))
    const expected = await valuesOn('cpu', f)
    const before = tf.memory().numTensors
    const buffers = tf.memory().numDataBuffers
    const actual = await valuesOn('wasm', f)
    expect(tf.memory().numTensors).toBe(before)
    expect(tf.memory().numDataBuffers).toBe(buffers)
    expect(relativeError(expected, actual)).toBeLessThan(1e-5)
    const x = pattern([4, 5, 3], 1)
    expect(relativeError(centralDifferences(loss, x), actual)).toBeLessThan(2e-2)
    x.dispose()
  })

  it('keeps higher-order gradients: d²/dx² of x³ · e^x through saved tensors', async () => {
    const f = (x: tf.Tensor) => tf.mul(tf.mul(tf.mul(x, x), x), tf.exp(x))
    const second = tf.grad((x: tf.Tensor) => tf.sum(tf.grad(f)(x)) as tf.Scalar)
    const xs = [-1.5, -0.2, 0.4, 1.3]
    const expected = xs.map((v) => (v ** 3 + 6 * v ** 2 + 6 * v) * Math.exp(v))
    const before = tf.memory().numTensors
    const x = tf.tensor1d(xs)
    const d2 = second(x)
    const actual = Array.from(await d2.data())
    tf.dispose([x, d2])
    expect(tf.memory().numTensors).toBe(before)
    actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4))
  })
})
