/**
 * The depthwise convolution's hand-written gradient (wasm has no depthwise backprop kernels) against
 * tfjs's own gradient on the cpu backend, which has them: strides 1 and 2, multipliers 1 and 2.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
import { describe, expect, it } from 'vitest'
import '../../../../main/engine/training/register-gradients'
import { depthwiseConvValid } from '../../../../main/engine/onnx/ops/depthwise-conv'

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]

describe('depthwise conv gradient', () => {
  it.each([
    [1, 1, 7],
    [2, 1, 7],
    [2, 2, 8],
    [1, 3, 5]
  ])('stride %i, multiplier %i, input side %i: matches tfjs cpu', async (stride, mult, size) => {
    await tf.setBackend('cpu')
    const x = tf.randomNormal([2, size, size, 3], 0, 1, 'float32', 1) as tf.Tensor4D
    const k = tf.randomNormal([3, 3, 3, mult], 0, 1, 'float32', 2) as tf.Tensor4D
    const r = tf.randomNormal(
      [2, Math.floor((size - 3) / stride) + 1, Math.floor((size - 3) / stride) + 1, 3 * mult],
      0,
      1,
      'float32',
      3
    )
    const loss =
      (f: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), r))
    const ours = tf.grads(loss((a, b) => depthwiseConvValid(a, b, [stride, stride])))([x, k])
    const theirs = tf.grads(loss((a, b) => tf.depthwiseConv2d(a, b, stride, 'valid')))([x, k])
    expect(maxDiff(ours[0], theirs[0])).toBeLessThan(1e-4)
    expect(maxDiff(ours[1], theirs[1])).toBeLessThan(1e-3)
  })
})
