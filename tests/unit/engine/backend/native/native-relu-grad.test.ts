import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { RELU_GRAD } from '../../../../../main/engine/backend/native/native-relu-grad'
import { setNativeKernelsEnabled } from '../../../../../main/engine/backend/native/native-switch'
import { fusedConv2d } from '../../../../../main/engine/models/fused-conv2d'
import { centralDifferences, pattern, relativeError, valuesOn } from '../backend-test-utils'
import { nativeBuilt, nativeCallsDuring, nativeSuite, setUpNativeAndCpu } from './native-test-utils'

/** sum(relu(conv(x, w) + b) · Q): its input gradient goes through the ReLU's. */
function loss(shape: [number, number, number, number]): (x: tf.Tensor) => tf.Scalar {
  return (x) => {
    const w = pattern([3, 3, shape[3], 5], 2) as tf.Tensor4D
    const y = fusedConv2d(x as tf.Tensor4D, w, pattern([5], 3) as tf.Tensor1D, 1, true)
    return tf.sum(tf.mul(y, pattern(y.shape, 4)))
  }
}

describe.skipIf(!nativeBuilt)(nativeSuite('native ReLU gradient'), () => {
  beforeAll(setUpNativeAndCpu)

  for (const shape of [
    [2, 5, 6, 3],
    [16, 14, 14, 16]
  ] as [number, number, number, number][]) {
    it(`a ReLU-fused conv's input gradient matches the cpu backend's mul(dy, step(y)): x [${shape}]`, async () => {
      const f = () => tf.grad(loss(shape))(pattern(shape, 1))
      const expected = await valuesOn('cpu', () => {
        // The cpu reference through tfjs's own form, not our kernel.
        const x = pattern(shape, 1) as tf.Tensor4D
        const w = pattern([3, 3, shape[3], 5], 2) as tf.Tensor4D
        return tf.grad((input: tf.Tensor) => {
          const y = tf.relu(tf.add(tf.conv2d(input as tf.Tensor4D, w, 1, 'same'), pattern([5], 3)))
          return tf.sum(tf.mul(y, pattern(y.shape, 4)))
        })(x)
      })
      let actual: Float32Array = new Float32Array()
      const calls = await nativeCallsDuring(RELU_GRAD, async () => {
        actual = await valuesOn('wasm', f)
      })
      expect(calls).toBe(1)
      expect(relativeError(expected, actual)).toBeLessThan(1e-5)
      setNativeKernelsEnabled(false)
      try {
        expect(relativeError(expected, await valuesOn('wasm', f))).toBeLessThan(1e-5)
      } finally {
        setNativeKernelsEnabled(true)
      }
    })
  }

  it('the input gradient matches central finite differences (a small step: inputs near the kink flip)', async () => {
    await tf.setBackend('wasm')
    const shape: [number, number, number, number] = [1, 4, 5, 2]
    const x = pattern(shape, 1)
    const dx = tf.grad(loss(shape))(x)
    expect(
      relativeError(centralDifferences(loss(shape), x, 3e-3), dx.dataSync() as Float32Array)
    ).toBeLessThan(2e-2)
    tf.dispose([x, dx])
  })

  it('names mismatched shapes', async () => {
    await tf.setBackend('wasm')
    expect(() =>
      tf.tidy(() => tf.engine().runKernel(RELU_GRAD, { dy: tf.zeros([2, 3]), y: tf.zeros([3, 2]) }))
    ).toThrow(/dy has shape \[2,3\], y \[3,2\]/)
  })
})
