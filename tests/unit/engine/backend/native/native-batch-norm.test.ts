import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { batchNormTrain } from '../../../../../main/engine/backend/batch-norm-kernels'
import { setNativeKernelsEnabled } from '../../../../../main/engine/backend/native/native-switch'
import { centralDifferences, pattern, relativeError, valuesOn } from '../backend-test-utils'
import { nativeBuilt, nativeCallsDuring, nativeSuite, setUpNativeAndCpu } from './native-test-utils'

const EPS = 1e-5

/** Batch norm in training as plain ops (what the model computes without the native kernel). */
function plain(x: tf.Tensor4D, scale: tf.Tensor, offset: tf.Tensor): tf.Tensor[] {
  const { mean, variance } = tf.moments(x, [0, 1, 2])
  const y = tf.add(tf.mul(tf.sub(x, mean), tf.mul(scale, tf.rsqrt(tf.add(variance, EPS)))), offset)
  return [y, mean, variance]
}

/** Our batch-norm kernels (oneDNN when the native kernels are on, else JavaScript). */
function native(x: tf.Tensor4D, scale: tf.Tensor, offset: tf.Tensor): tf.Tensor[] {
  return batchNormTrain(x, scale, offset, EPS)
}

/** sum(bn(x) · Q): its gradients with respect to x, scale and offset, concatenated. */
function gradients(shape: [number, number, number, number], bn: typeof plain): () => tf.Tensor {
  return () => {
    const q = pattern(shape, 3)
    const loss = (x: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(bn(x as tf.Tensor4D, scale, offset)[0], q))
    const grads = tf.grads(loss)([
      pattern(shape, 1),
      tf.add(pattern([shape[3]], 2), 1.5),
      pattern([shape[3]], 4)
    ])
    return tf.concat(grads.map((g) => tf.reshape(g, [-1])))
  }
}

const SHAPES: [number, number, number, number][] = [
  [2, 3, 4, 5],
  [4, 7, 7, 16],
  [64, 14, 14, 32],
  // Above two million elements: runs on every thread rather than one.
  [64, 32, 32, 32]
]

describe.skipIf(!nativeBuilt)(nativeSuite('native batch norm in training (oneDNN)'), () => {
  beforeAll(setUpNativeAndCpu)

  for (const shape of SHAPES) {
    it(`y, mean and variance match tf.moments and the affine on the cpu backend: x [${shape}]`, async () => {
      const inputs = (): [tf.Tensor4D, tf.Tensor, tf.Tensor] => [
        pattern(shape, 1) as tf.Tensor4D,
        tf.add(pattern([shape[3]], 2), 1.5),
        pattern([shape[3]], 4)
      ]
      const expected = await valuesOn('cpu', () =>
        tf.concat(plain(...inputs()).map((t) => tf.reshape(t, [-1])))
      )
      let actual: Float32Array = new Float32Array()
      const calls = await nativeCallsDuring('FlatlineBatchNormTrain', async () => {
        actual = await valuesOn('wasm', () =>
          tf.concat(native(...inputs()).map((t) => tf.reshape(t, [-1])))
        )
      })
      expect(calls).toBe(1)
      expect(relativeError(expected, actual)).toBeLessThan(1e-5)
    })

    it(`its gradient (x, scale, offset) matches the plain ops' on the cpu backend: x [${shape}]`, async () => {
      const expected = await valuesOn('cpu', gradients(shape, plain))
      let actual: Float32Array = new Float32Array()
      const calls = await nativeCallsDuring('FlatlineBatchNormGrad', async () => {
        actual = await valuesOn('wasm', gradients(shape, native))
      })
      expect(calls).toBe(1)
      expect(relativeError(expected, actual)).toBeLessThan(1e-4)
    })
  }

  for (const shape of [SHAPES[1]]) {
    it(`with relu: output and gradient match relu after the plain ops on the cpu backend: x [${shape}]`, async () => {
      const plainRelu = (x: tf.Tensor4D, scale: tf.Tensor, offset: tf.Tensor): tf.Tensor[] => {
        const [y, ...rest] = plain(x, scale, offset)
        return [tf.relu(y), ...rest]
      }
      const nativeRelu = (x: tf.Tensor4D, scale: tf.Tensor, offset: tf.Tensor): tf.Tensor[] =>
        batchNormTrain(x, scale, offset, EPS, true)
      const both = (bn: typeof plain) => () =>
        tf.concat([
          tf.reshape(
            bn(
              pattern(shape, 1) as tf.Tensor4D,
              tf.add(pattern([shape[3]], 2), 1.5),
              pattern([shape[3]], 4)
            )[0],
            [-1]
          ),
          gradients(shape, bn)()
        ])
      const expected = await valuesOn('cpu', both(plainRelu))
      let actual: Float32Array = new Float32Array()
      const calls = await nativeCallsDuring('FlatlineBatchNormGrad', async () => {
        actual = await valuesOn('wasm', both(nativeRelu))
      })
      expect(calls).toBe(1)
      expect(relativeError(expected, actual)).toBeLessThan(1e-4)
    })
  }

  it('with relu: its input gradient matches central finite differences', async () => {
    await tf.setBackend('wasm')
    const shape: [number, number, number, number] = [2, 3, 2, 2]
    const scale = tf.tensor1d([1.3, 0.7])
    const offset = tf.tensor1d([0.3, -0.2])
    const q = pattern(shape, 3)
    const loss = (x: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(batchNormTrain(x, scale, offset, EPS, true)[0], q))
    const x = pattern(shape, 1)
    const dx = tf.grad(loss)(x)
    expect(relativeError(centralDifferences(loss, x), dx.dataSync() as Float32Array)).toBeLessThan(
      1e-2
    )
    tf.dispose([scale, offset, q, x, dx])
  })

  it('its input gradient matches central finite differences', async () => {
    await tf.setBackend('wasm')
    const shape: [number, number, number, number] = [2, 3, 2, 2]
    const scale = tf.tensor1d([1.3, 0.7])
    const offset = tf.tensor1d([0.1, -0.2])
    const q = pattern(shape, 3)
    const loss = (x: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(native(x as tf.Tensor4D, scale, offset)[0], q))
    const x = pattern(shape, 1)
    const dx = tf.grad(loss)(x)
    expect(relativeError(centralDifferences(loss, x), dx.dataSync() as Float32Array)).toBeLessThan(
      1e-2
    )
    tf.dispose([scale, offset, q, x, dx])
  })

  it('switched off, hands both kernels to the JavaScript ones, with the same results', async () => {
    const shape: [number, number, number, number] = [4, 5, 5, 8]
    const onNative = await valuesOn('wasm', gradients(shape, native))
    setNativeKernelsEnabled(false)
    try {
      let onJs: Float32Array = new Float32Array()
      const calls = await nativeCallsDuring('FlatlineBatchNormGrad', async () => {
        onJs = await valuesOn('wasm', gradients(shape, native))
      })
      expect(calls).toBe(0)
      expect(relativeError(onJs, onNative)).toBeLessThan(1e-5)
    } finally {
      setNativeKernelsEnabled(true)
    }
  })

  it('leaks no tensor through a training-style gradient', async () => {
    await tf.setBackend('wasm')
    const scale = tf.variable(tf.ones([4]))
    const offset = tf.variable(tf.zeros([4]))
    const x = pattern([2, 3, 3, 4]) as tf.Tensor4D
    const before = tf.memory().numTensors
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.square(native(x, scale, offset)[0])),
      [scale, offset]
    )
    tf.dispose([value, ...Object.values(grads)])
    expect(tf.memory().numTensors).toBe(before)
    // Only x's gradient asked for (an attack in training mode): dγ and dβ come and go unasked.
    tf.grad((input: tf.Tensor) =>
      tf.sum(tf.square(native(input as tf.Tensor4D, scale, offset)[0]))
    )(x).dispose()
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([scale, offset, x])
  })
})
