import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { registerWasmConv2DBackpropInput } from '../../../../main/engine/backend/wasm-conv2d-backprop-input'
import {
  centralDifferences,
  pattern,
  relativeError,
  setUpWasmAndCpu,
  valuesOn
} from './backend-test-utils'
import { CONV_GRADIENT_CASES as CASES, type ConvCase as Case } from './conv-cases'

/** ∂/∂x of sum(conv2d(x, w) · Q): the input gradient for upstream gradient Q. */
function inputGradient(c: Case): tf.Tensor {
  const x = pattern(c.x, 1) as tf.Tensor4D
  const w = pattern(c.w, 2) as tf.Tensor4D
  const q = pattern(tf.conv2d(x, w, c.strides, c.pad).shape, 3)
  return tf.grad((input: tf.Tensor) =>
    tf.sum(tf.mul(tf.conv2d(input as tf.Tensor4D, w, c.strides, c.pad), q))
  )(x)
}

describe('wasm Conv2DBackpropInput (fast replacement)', () => {
  beforeAll(setUpWasmAndCpu)

  it('replaces the native kernel once', () => {
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBeDefined()
    expect(registerWasmConv2DBackpropInput()).toBe(false)
  })

  for (const c of CASES) {
    it(`matches the cpu backend: x [${c.x}] w [${c.w}] strides ${JSON.stringify(c.strides)} pad ${JSON.stringify(c.pad)}`, async () => {
      const expected = await valuesOn('cpu', () => inputGradient(c))
      const actual = await valuesOn('wasm', () => inputGradient(c))
      expect(relativeError(expected, actual)).toBeLessThan(1e-5)
    })
  }

  it('serves conv2dTranspose like the cpu backend', async () => {
    const transpose = (): tf.Tensor =>
      tf.conv2dTranspose(
        pattern([2, 4, 5, 3]) as tf.Tensor4D,
        pattern([3, 3, 2, 3], 1) as tf.Tensor4D,
        [2, 8, 9, 2],
        2,
        'same'
      )
    const expected = await valuesOn('cpu', transpose)
    const actual = await valuesOn('wasm', transpose)
    expect(relativeError(expected, actual)).toBeLessThan(1e-5)
  })

  it('matches central finite differences (stride 2, same)', async () => {
    await tf.setBackend('wasm')
    const x = pattern([1, 5, 6, 2], 4) as tf.Tensor4D
    const w = pattern([3, 3, 2, 2], 5) as tf.Tensor4D
    const q = pattern([1, 3, 3, 2], 6)
    const loss = (input: tf.Tensor): tf.Scalar =>
      tf.sum(tf.mul(tf.conv2d(input as tf.Tensor4D, w, 2, 'same'), q))
    const analytic = tf.grad(loss)(x)
    const numeric = centralDifferences(loss, x)
    expect(relativeError(numeric, analytic.dataSync() as Float32Array)).toBeLessThan(1e-2)
    tf.dispose([x, w, q, analytic])
  })

  it('leaks no tensor and no backend data', async () => {
    await tf.setBackend('wasm')
    const dy = pattern([2, 4, 4, 4]) as tf.Tensor4D
    const filter = pattern([3, 3, 3, 4]) as tf.Tensor4D
    const before = tf.memory().numTensors
    tf.env().set('IS_TEST', true)
    try {
      const dx = tf.engine().runKernel(
        'Conv2DBackpropInput',
        { dy, filter },
        {
          strides: 2,
          pad: 'same',
          dataFormat: 'NHWC',
          inputShape: [2, 7, 7, 3]
        }
      ) as tf.Tensor
      expect(dx.shape).toEqual([2, 7, 7, 3])
      expect(tf.memory().numTensors).toBe(before + 1)
      dx.dispose()
    } finally {
      tf.env().set('IS_TEST', false)
    }
    expect(tf.memory().numTensors).toBe(before)
    tf.dispose([dy, filter])
  })

  it('rejects a dy that does not match the forward conv, naming the shapes', async () => {
    await tf.setBackend('wasm')
    const run = (): void => {
      tf.tidy(() => {
        tf.engine().runKernel(
          'Conv2DBackpropInput',
          { dy: tf.zeros([1, 4, 4, 3]), filter: tf.zeros([3, 3, 2, 3]) },
          {
            strides: 2,
            pad: 'same',
            dataFormat: 'NHWC',
            inputShape: [1, 4, 4, 2]
          }
        )
      })
    }
    expect(run).toThrow(/dy has shape \[1,4,4,3\] but .* gives \[1,2,2,3\]/)
  })
})
