/**
 * Depthwise convolution ('valid', on an already padded NHWC input, kernel already dilated) with
 * its gradient written in forward ops.
 *
 * tfjs's wasm backend runs depthwiseConv2d fast but has no DepthwiseConv2dNativeBackpropInput or
 * …BackpropFilter kernel, which MobileNets need for attacks (input gradient) and fine-tuning.
 * The input gradient is itself a depthwise conv of the zero-strided output gradient with the
 * flipped kernel; the kernel gradient sums kh·kw products of strided input windows.
 */
import * as tf from '@tensorflow/tfjs-core'
import { windowTap, zeroStride } from './window-ops'

function inputGradient(
  dy: tf.Tensor4D,
  kernel: tf.Tensor4D,
  inputShape: number[],
  strides: number[]
): tf.Tensor4D {
  const [kh, kw, c, mult] = kernel.shape
  const spread = zeroStride(dy, strides)
  const padded = tf.pad(spread, [
    [0, 0],
    [kh - 1, kh - 1],
    [kw - 1, kw - 1],
    [0, 0]
  ])
  const flipped = tf.reverse(kernel, [0, 1]).reshape([kh, kw, c * mult, 1]) as tf.Tensor4D
  let dx = tf.depthwiseConv2d(padded, flipped, 1, 'valid')
  if (mult > 1) dx = tf.sum(dx.reshape([...dx.shape.slice(0, 3), c, mult]), 4) as tf.Tensor4D
  // Rows and columns past the last window receive no gradient.
  const [, h, w] = dx.shape
  return tf.pad(dx, [
    [0, 0],
    [0, inputShape[1] - h],
    [0, inputShape[2] - w],
    [0, 0]
  ])
}

function kernelGradient(
  dy: tf.Tensor4D,
  x: tf.Tensor4D,
  kernelShape: number[],
  strides: number[]
): tf.Tensor4D {
  const [kh, kw, c, mult] = kernelShape
  const [n, ho, wo] = dy.shape
  const dyByChannel = dy.reshape([n, ho, wo, c, mult])
  const taps: tf.Tensor[] = []
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++) {
      const window = windowTap(x, i, j, [ho, wo], strides, [1, 1]).reshape([n, ho, wo, c, 1])
      taps.push(tf.sum(tf.mul(window, dyByChannel), [0, 1, 2]))
    }
  return tf.stack(taps).reshape([kh, kw, c, mult]) as tf.Tensor4D
}

/** Depthwise conv of a padded NHWC input with a [kh, kw, C, multiplier] kernel. */
export function depthwiseConvValid(
  x: tf.Tensor4D,
  kernel: tf.Tensor4D,
  strides: [number, number]
): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, ki, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.GradSaveFunc]
    save([xi, ki])
    return {
      value: tf.depthwiseConv2d(xi, ki, strides, 'valid'),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, ks] = saved as [tf.Tensor4D, tf.Tensor4D]
        return [
          inputGradient(dy as tf.Tensor4D, ks, xs.shape, strides),
          kernelGradient(dy as tf.Tensor4D, xs, ks.shape, strides)
        ]
      }
    }
  })
  return op(x, kernel) as tf.Tensor4D
}
