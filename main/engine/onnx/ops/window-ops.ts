/**
 * Differentiable building blocks for windows over NHWC tensors, written with ops that have
 * gradients on every backend (pad, slice, reshape): padding, zero-dilated kernels and strided
 * windows (tfjs has no StridedSlice gradient, and no conv gradient with dilations > 1).
 */
import * as tf from '@tensorflow/tfjs-core'

/** Pads the two spatial axes of an NHWC tensor; negative amounts crop. */
export function padSpatial(x: tf.Tensor4D, pads: [number, number][], value = 0): tf.Tensor4D {
  const [[t, b], [l, r]] = pads
  let y = x
  if (t > 0 || b > 0 || l > 0 || r > 0)
    y = tf.pad(
      y,
      [
        [0, 0],
        [Math.max(t, 0), Math.max(b, 0)],
        [Math.max(l, 0), Math.max(r, 0)],
        [0, 0]
      ],
      value
    )
  if (t < 0 || b < 0 || l < 0 || r < 0) {
    const [n, h, w, c] = y.shape
    const top = Math.max(-t, 0)
    const left = Math.max(-l, 0)
    y = tf.slice(
      y,
      [0, top, left, 0],
      [n, h - top - Math.max(-b, 0), w - left - Math.max(-r, 0), c]
    )
  }
  return y
}

/** Inserts d − 1 zeros between the taps along `axis` (0 or 1) of an [kh, kw, …] kernel. */
function dilateAxis(kernel: tf.Tensor, axis: 0 | 1, d: number): tf.Tensor {
  if (d === 1) return kernel
  const moved =
    axis === 0
      ? kernel
      : tf.transpose(kernel, [1, 0, ...kernel.shape.slice(2).map((_, i) => i + 2)])
  const [k, ...rest] = moved.shape
  const restSize = rest.reduce((a, b) => a * b, 1)
  const spread = tf
    .pad(moved.reshape([k, 1, restSize]), [
      [0, 0],
      [0, d - 1],
      [0, 0]
    ])
    .reshape([k * d, restSize])
  const cut = tf
    .slice(spread, [0, 0], [(k - 1) * d + 1, restSize])
    .reshape([(k - 1) * d + 1, ...rest])
  return axis === 0 ? cut : tf.transpose(cut, [1, 0, ...kernel.shape.slice(2).map((_, i) => i + 2)])
}

/** A [kh, kw, …] kernel with zeros between its taps, the dense kernel of a dilated conv. */
export function dilateKernel(kernel: tf.Tensor, dilations: number[]): tf.Tensor {
  return dilateAxis(dilateAxis(kernel, 0, dilations[0]), 1, dilations[1])
}

/** Every `stride`-th of `count` positions from `start` along `axis` (1 or 2) of an NHWC tensor. */
export function strided(
  x: tf.Tensor4D,
  axis: 1 | 2,
  start: number,
  count: number,
  stride: number
): tf.Tensor4D {
  const shape = x.shape
  const size = [...shape]
  const begin = [0, 0, 0, 0]
  begin[axis] = start
  const span = (count - 1) * stride + 1
  size[axis] = span
  let y = tf.slice(x, begin, size)
  if (stride === 1) return y
  const pad: [number, number][] = [
    [0, 0],
    [0, 0],
    [0, 0],
    [0, 0]
  ]
  pad[axis] = [0, stride - 1]
  y = tf.pad(y, pad)
  const split = [...size]
  split[axis] = count
  const shaped =
    axis === 1
      ? [shape[0], count, stride, size[2], shape[3]]
      : [shape[0], size[1], count, stride, shape[3]]
  const picked = tf.slice(
    y.reshape(shaped),
    [0, 0, 0, 0, 0],
    axis === 1 ? [shape[0], count, 1, size[2], shape[3]] : [shape[0], size[1], count, 1, shape[3]]
  )
  return picked.reshape(split) as tf.Tensor4D
}

/** The window tap (i, j) of a strided, dilated window over a padded NHWC tensor. */
export function windowTap(
  x: tf.Tensor4D,
  i: number,
  j: number,
  out: [number, number],
  strides: number[],
  dilations: number[]
): tf.Tensor4D {
  return strided(
    strided(x, 1, i * dilations[0], out[0], strides[0]),
    2,
    j * dilations[1],
    out[1],
    strides[1]
  )
}

/** Inserts s − 1 zeros between rows (axis 1) and columns (axis 2) of an NHWC tensor. */
export function zeroStride(x: tf.Tensor4D, strides: number[]): tf.Tensor4D {
  let y = x
  const [sh, sw] = strides
  if (sh > 1) {
    const [n, h, w, c] = y.shape
    y = tf
      .pad(y.reshape([n, h, 1, w * c]), [
        [0, 0],
        [0, 0],
        [0, sh - 1],
        [0, 0]
      ])
      .reshape([n, h * sh, w, c])
    y = tf.slice(y, [0, 0, 0, 0], [n, (h - 1) * sh + 1, w, c])
  }
  if (sw > 1) {
    const [n, h, w, c] = y.shape
    y = tf
      .pad(y.reshape([n * h, w, 1, c]), [
        [0, 0],
        [0, 0],
        [0, sw - 1],
        [0, 0]
      ])
      .reshape([n, h, w * sw, c])
    y = tf.slice(y, [0, 0, 0, 0], [n, h, (w - 1) * sw + 1, c])
  }
  return y
}
