/**
 * 2-D max pooling over a padded NHWC tensor ('valid' windows) with its gradient written in forward ops.
 *
 * tfjs 4.22's wasm MaxPoolGrad drops part of the gradient (e.g. a 2×2, stride-1 pool over 6×6: some
 * window maxima get none), and tfjs has no gradient for dilated pools. Here each window tap routes
 * the output gradient to the input positions holding the window's maximum (the first tap wins a tie,
 * as PyTorch does), spread back to the input grid.
 */
import * as tf from '@tensorflow/tfjs-core'
import { windowTap, zeroStride } from './window-ops'

export interface MaxPoolWindow {
  kernel: number[]
  strides: number[]
  dilations: number[]
}

function outSize(x: tf.Tensor4D, w: MaxPoolWindow): [number, number] {
  const size = (len: number, i: number): number =>
    Math.floor((len - ((w.kernel[i] - 1) * w.dilations[i] + 1)) / w.strides[i]) + 1
  return [size(x.shape[1], 0), size(x.shape[2], 1)]
}

function forward(x: tf.Tensor4D, w: MaxPoolWindow): tf.Tensor4D {
  if (w.dilations.every((d) => d === 1))
    return tf.maxPool(x, [w.kernel[0], w.kernel[1]], [w.strides[0], w.strides[1]], 'valid')
  const out = outSize(x, w)
  let y = windowTap(x, 0, 0, out, w.strides, w.dilations)
  for (let i = 0; i < w.kernel[0]; i++)
    for (let j = 0; j < w.kernel[1]; j++)
      if (i || j) y = tf.maximum(y, windowTap(x, i, j, out, w.strides, w.dilations))
  return y
}

function backward(dy: tf.Tensor4D, x: tf.Tensor4D, y: tf.Tensor4D, w: MaxPoolWindow): tf.Tensor4D {
  const out: [number, number] = [y.shape[1], y.shape[2]]
  let unclaimed: tf.Tensor = tf.onesLike(y)
  let dx: tf.Tensor4D = tf.zerosLike(x)
  for (let i = 0; i < w.kernel[0]; i++)
    for (let j = 0; j < w.kernel[1]; j++) {
      const wins = tf.mul(
        tf.cast(tf.equal(windowTap(x, i, j, out, w.strides, w.dilations), y), 'float32'),
        unclaimed
      )
      unclaimed = tf.sub(unclaimed, wins)
      const spread = zeroStride(tf.mul(dy, wins) as tf.Tensor4D, w.strides)
      const top = i * w.dilations[0]
      const left = j * w.dilations[1]
      dx = tf.add(
        dx,
        tf.pad(spread, [
          [0, 0],
          [top, x.shape[1] - top - spread.shape[1]],
          [left, x.shape[2] - left - spread.shape[2]],
          [0, 0]
        ])
      )
    }
  return dx
}

export function maxPoolValid(x: tf.Tensor4D, w: MaxPoolWindow): tf.Tensor4D {
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, save] = args as [tf.Tensor4D, tf.GradSaveFunc]
    const y = forward(xi, w)
    save([xi, y])
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        backward(dy as tf.Tensor4D, saved[0] as tf.Tensor4D, saved[1] as tf.Tensor4D, w)
    }
  })
  return op(x) as tf.Tensor4D
}
