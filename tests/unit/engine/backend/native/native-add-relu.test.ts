import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { ADD_RELU } from '../../../../../main/engine/backend/native/native-add-relu'
import { RELU_GRAD } from '../../../../../main/engine/backend/native/native-relu-grad'
import { setNativeKernelsEnabled } from '../../../../../main/engine/backend/native/native-switch'
import { addRelu } from '../../../../../main/engine/models/add-relu'
import { centralDifferences, pattern, relativeError, valuesOn } from '../backend-test-utils'
import { nativeBuilt, nativeCallsDuring, nativeSuite, setUpNativeAndCpu } from './native-test-utils'

/** sum(relu(a + b) · Q) with b = x · 0.7 − 0.2: both inputs of the join depend on x. */
function loss(join: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor): (x: tf.Tensor) => tf.Scalar {
  return (x) => {
    const y = join(tf.mul(x, pattern(x.shape, 5)), tf.sub(tf.mul(x, 0.7), 0.2))
    return tf.sum(tf.mul(y, pattern(y.shape, 4)))
  }
}

const tfjsJoin = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.relu(tf.add(a, b))

describe.skipIf(!nativeBuilt)(nativeSuite('native residual add + ReLU'), () => {
  beforeAll(setUpNativeAndCpu)

  for (const shape of [
    [2, 5, 6, 3],
    [16, 14, 14, 16]
  ]) {
    it(`value and gradient match the cpu backend's relu(add(a, b)): [${shape}]`, async () => {
      const x = () => pattern(shape, 1)
      const expectedValue = await valuesOn('cpu', () => tfjsJoin(x(), pattern(shape, 2)))
      const expectedGrad = await valuesOn('cpu', () => tf.grad(loss(tfjsJoin))(x()))
      let value: Float32Array = new Float32Array()
      let grad: Float32Array = new Float32Array()
      const forwardCalls = await nativeCallsDuring(ADD_RELU, async () => {
        value = await valuesOn('wasm', () => addRelu(x(), pattern(shape, 2)))
      })
      const maskCalls = await nativeCallsDuring(RELU_GRAD, async () => {
        grad = await valuesOn('wasm', () => tf.grad(loss(addRelu))(x()))
      })
      expect(forwardCalls).toBe(1)
      expect(maskCalls).toBe(1) // one mask for both inputs
      expect(relativeError(expectedValue, value)).toBe(0)
      expect(relativeError(expectedGrad, grad)).toBeLessThan(1e-6)
    })
  }

  it('the gradient matches central finite differences, also when both inputs are one tensor', async () => {
    await tf.setBackend('wasm')
    const x = pattern([1, 4, 5, 2], 1)
    for (const f of [
      loss(addRelu),
      (t: tf.Tensor): tf.Scalar => tf.sum(tf.mul(addRelu(t, t), t))
    ]) {
      const dx = tf.grad(f)(x)
      expect(
        relativeError(centralDifferences(f, x, 3e-3), dx.dataSync() as Float32Array)
      ).toBeLessThan(2e-2)
      dx.dispose()
    }
    x.dispose()
  })

  it('keeps no tensor after a gradient, and NaN stays NaN', async () => {
    await tf.setBackend('wasm')
    const before = tf.memory().numTensors
    tf.tidy(() => {
      tf.grad(loss(addRelu))(pattern([3, 4, 4, 2], 1))
    })
    expect(tf.memory().numTensors).toBe(before)
    const y = tf.tidy(() => addRelu(tf.tensor1d([NaN, -1, 2]), tf.tensor1d([0, 0.5, -3])))
    expect(Array.from(await y.data())).toEqual([NaN, 0, 0])
    y.dispose()
  })

  it('falls back to tfjs add and relu when the native kernels are off, or shapes differ (broadcast)', async () => {
    await tf.setBackend('wasm')
    const a = pattern([2, 3, 4, 5], 1)
    const b = pattern([5], 2)
    const broadcast = await nativeCallsDuring(ADD_RELU, async () => {
      const expected = await valuesOn('cpu', () =>
        tfjsJoin(pattern([2, 3, 4, 5], 1), pattern([5], 2))
      )
      expect(relativeError(expected, await valuesOn('wasm', () => addRelu(a, b)))).toBe(0)
    })
    expect(broadcast).toBe(0)
    setNativeKernelsEnabled(false)
    try {
      const off = await nativeCallsDuring(ADD_RELU, () => valuesOn('wasm', () => addRelu(a, a)))
      expect(off).toBe(0)
    } finally {
      setNativeKernelsEnabled(true)
    }
    tf.dispose([a, b])
  })

  it('the JavaScript kernel (cpu) gives relu(a + b), and mismatched shapes are named', async () => {
    const expected = await valuesOn('cpu', () => tfjsJoin(pattern([3, 7], 1), pattern([3, 7], 2)))
    const actual = await valuesOn(
      'cpu',
      () =>
        tf
          .engine()
          .runKernel(ADD_RELU, { a: pattern([3, 7], 1), b: pattern([3, 7], 2) }) as tf.Tensor
    )
    expect(relativeError(expected, actual)).toBe(0)
    await tf.setBackend('wasm')
    expect(() =>
      tf.tidy(() => tf.engine().runKernel(ADD_RELU, { a: tf.zeros([2, 3]), b: tf.zeros([3, 2]) }))
    ).toThrow(/a has shape \[2,3\], b \[3,2\]/)
  })
})
