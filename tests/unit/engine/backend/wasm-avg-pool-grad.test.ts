import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerWasmAvgPoolGrad } from '../../../../main/engine/backend/wasm-avg-pool-grad'
import {
  centralDifferences,
  pattern,
  relativeError,
  setUpWasmAndCpu,
  valuesOn
} from './backend-test-utils'

describe('wasm AvgPoolGrad (fast)', () => {
  beforeAll(setUpWasmAndCpu)

  it('replaces the native kernel once', () => {
    expect(registerWasmAvgPoolGrad()).toBe(false)
  })

  // Where no window is cut by padding; there the cpu kernel divides by the full window (see below).
  it.each([
    ['2×2 stride 2, even size', [2, 6, 6, 3], 2, 2, 'same'],
    ['3×3 stride 2, valid', [2, 7, 7, 4], 3, 2, 'valid']
  ] as const)(
    'gives avgPool the cpu backend’s gradient: %s',
    async (_, shape, size, stride, pad) => {
      const weight = () =>
        pattern(tf.avgPool(tf.zeros([...shape]) as tf.Tensor4D, size, stride, pad).shape, 1)
      const grad = () =>
        tf.grad((x: tf.Tensor) =>
          tf.sum(tf.mul(tf.avgPool(x as tf.Tensor4D, size, stride, pad), weight()))
        )(pattern([...shape]))
      expect(relativeError(await valuesOn('cpu', grad), await valuesOn('wasm', grad))).toBeLessThan(
        1e-6
      )
    }
  )

  // Also where 'same' padding cuts windows, whose forward average is over fewer pixels.
  it.each<[[number, number, number, number], number, number]>([
    [[1, 4, 4, 2], 2, 2],
    [[1, 3, 3, 2], 2, 2],
    [[1, 5, 4, 1], 3, 1]
  ])(
    'matches finite differences of the forward pool: %j, size %i, stride %i',
    async (shape, size, stride) => {
      await tf.setBackend('wasm')
      const w = pattern(tf.avgPool(tf.zeros(shape) as tf.Tensor4D, size, stride, 'same').shape, 3)
      const loss = (x: tf.Tensor) =>
        tf.sum(tf.mul(tf.avgPool(x as tf.Tensor4D, size, stride, 'same'), w)) as tf.Scalar
      const x = pattern(shape)
      const analytic = tf.grad(loss)(x).dataSync() as Float32Array
      expect(relativeError(centralDifferences(loss, x), analytic)).toBeLessThan(1e-2)
    }
  )
})
